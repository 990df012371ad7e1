package import Foundation

/// What holds an environment's lock at a moment, judged in one place: `unlock` (which may
/// release only what nothing runs under) reads it whole; `status`, `promote`, `abort` and the
/// metrics need only `Lease.isLive(at:)`, defined beside it. A lease past its expiry holds nothing; a
/// hold by hand never expires; a deployment's lease is held by a running process unless its
/// rollout was left paused (no process behind it, by design) or its holder is a process of
/// this host that provably no longer runs.
package enum LeaseLiveness: Sendable, Hashable {
    /// No lease, or one past its expiry.
    case free
    /// `gantry lock` or `protect.lock_after_rollback`: only `gantry unlock` ends it.
    case heldByHand(Lease)
    /// A deployment runs under it (or may: a holder on another host cannot be seen from here).
    case running(Lease, DeploymentID)
    /// A rollout left paused for `gantry promote` or `gantry abort` (`on_pause: exit`).
    case paused(Lease, DeploymentID)
    /// Its holder was a process of this host, boot and PID namespace that no longer runs.
    case deadHolder(Lease, DeploymentID)

    /// The lease, when it still holds the environment.
    package var lease: Lease? {
        switch self {
        case .free: nil
        case .heldByHand(let lease), .running(let lease, _), .paused(let lease, _), .deadHolder(let lease, _): lease
        }
    }

    /// Judges `lease` at `now`. `holderJournal` is the holding deployment's journal (a paused
    /// rollout is told by it); `holderDead` whether its owner provably no longer runs.
    package static func judge(_ lease: Lease?, at now: Date, holderJournal: [JournalEntry], holderDead: Bool) -> LeaseLiveness {
        guard let lease, lease.isLive(at: now) else { return .free }
        guard let deployment = lease.deploymentID else { return .heldByHand(lease) }
        if PausedRollout.pausedBatch(in: holderJournal) != nil { return .paused(lease, deployment) }
        return holderDead ? .deadHolder(lease, deployment) : .running(lease, deployment)
    }
}

extension Lease {
    /// Whether the lease still holds the environment at `now` (a hold by hand never expires).
    func isLive(at now: Date) -> Bool { expiresAt > now }
}
