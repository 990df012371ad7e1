/// The guard's decision, as a value: given the heartbeats it heard and the boot-clock
/// readings it took, which signal the command's process group gets now. The process around it
/// (`LeaseGuardProcess`) only reads the pipe, looks at the clock and sends what this says, so
/// the rule the cross-host guarantee rests on is tested at every boundary of its timing table
/// without a process, a pipe or a clock (`LeaseGuardWatchTests`).
///
/// All times are nanoseconds of `CLOCK_BOOTTIME`, the clock the holder stamps its renewals
/// with. Counting from the send time of the newest confirmed renewal, SIGTERM goes at `term`
/// and SIGKILL at `kill` (`LeaseGuardTiming`: `max(2L/3, L − L/10 − grace)` and `L − L/10`),
/// so the command is dead before the lease, `L` after that send, can expire. Counting from
/// the send, not from the confirmation's arrival, is what makes a slow store answer safe.
/// Once SIGTERM is sent the deadlines never move later again: a confirmation that arrives
/// late does not call a stop back. When the holder goes (the pipe closes, or it says the
/// lease is lost) SIGTERM goes at once and SIGKILL after the grace period, never later than
/// the kill deadline.
package struct LeaseGuardWatch: Sendable, Equatable {
    /// What to send the command's process group.
    package enum Signal: Sendable, Equatable {
        case terminate
        case kill
    }

    /// The send time of the newest confirmed renewal.
    private(set) var sentAt: UInt64
    package let term: UInt64
    package let kill: UInt64
    package let grace: UInt64
    private(set) var termSent = false
    private var earliestTerm = UInt64.max
    private var earliestKill = UInt64.max

    package init(sentAt: UInt64, term: UInt64, kill: UInt64, grace: UInt64) {
        self.sentAt = sentAt
        self.term = term
        self.kill = kill
        self.grace = grace
    }

    package var termAt: UInt64 { min(sentAt + term, earliestTerm) }
    package var killAt: UInt64 { min(sentAt + kill, earliestKill) }

    /// When the guard must look again (the next deadline), for its poll's timeout.
    package var nextDeadline: UInt64 { termSent ? killAt : termAt }

    /// The deadline had passed before the command could start: it is not started at all.
    package func isTooLate(at now: UInt64) -> Bool { now >= termAt }

    /// A renewal sent at `confirmed` was confirmed by the store.
    package mutating func renewed(sentAt confirmed: UInt64) {
        guard !termSent else { return }
        sentAt = max(sentAt, confirmed)
    }

    /// The holder is gone (the pipe closed) or says the lease is lost: SIGTERM now,
    /// SIGKILL after the grace period, never later than the kill deadline.
    package mutating func holderGone(at now: UInt64) {
        earliestTerm = min(earliestTerm, now)
        earliestKill = min(earliestKill, now + grace)
    }

    /// What to send at `now`: SIGKILL at and after the kill deadline (every look: a process
    /// the group gained since is killed too), SIGTERM once at the term deadline, else nothing.
    package mutating func decide(at now: UInt64) -> Signal? {
        if now >= killAt {
            termSent = true
            return .kill
        }
        if now >= termAt, !termSent {
            termSent = true
            return .terminate
        }
        return nil
    }
}
