/// The faults a schedule injects, counted by kind in the run's summary.
package enum FaultKind: String, Sendable, CaseIterable, Comparable {
    /// gantry stopped (SIGSTOP) and continued later; its guard and command run on.
    case gantryFrozen = "gantry-frozen"
    /// The whole runner stopped (gantry, guard, command), as a paused VM: beyond any guard.
    case runnerFrozen = "runner-frozen"
    /// gantry killed (SIGKILL) with its guard alive: the guard sees its pipe close.
    case gantryKilled = "gantry-killed"
    /// The guard killed alone: its command runs on unguarded.
    case guardKilled = "guard-killed"
    /// GitHub's cancel: SIGINT, SIGTERM 7.5 s later, SIGKILL 2.5 s after that.
    case cancelled = "github-cancel"
    /// The runner dies and never comes back.
    case runnerGone = "runner-gone"
    /// A command that dies late after SIGKILL (uninterruptible sleep), up to `L/10`.
    case lateDeath = "late-death"
    /// The store answers slowly: requests taken in within `L/20`, answers up to a lease late.
    case storeSlow = "store-slow"
    /// The store restarts: every connection dropped, calls fail while it is down.
    case storeRestart = "store-restart"
    /// One runner cut off from the store, healed later.
    case partition = "partition"
    /// Requests lost before they arrive.
    case requestLost = "request-lost"
    /// Answers lost after the write committed.
    case answerLost = "answer-lost"
    /// The wall clock of a runner jumps (nothing may depend on it).
    case clockJump = "clock-jump"

    /// Faults beyond any guard (README, "Safety across hosts"): under them the hosts' fence,
    /// not the lease, keeps production right.
    var beyondGuard: Bool { self == .runnerFrozen }

    package static func < (lhs: FaultKind, rhs: FaultKind) -> Bool { lhs.rawValue < rhs.rawValue }
}
