package import Foundation

/// The live lease of an environment. A hand hold (`gantry lock`, `lock_after_rollback`)
/// never expires: `expires_at` is `null` and `held_by_hand` true, rather than the far-future
/// date the store keeps for it.
package struct LockDocument: Encodable, Sendable {
    package var token: Int64
    /// Who holds it, in a phrase: `runner r1 (host h, pid 4, by alice)`.
    package var holder: String
    package var host: String
    package var pid: Int32
    package var runner: String?
    package var actor: String?
    var runUrl: String?
    package var deploymentId: String?
    package var reason: String?
    package var heldByHand: Bool
    package var acquiredAt: Date
    package var expiresAt: Date?

    init(_ lease: Lease) {
        token = lease.token.value
        holder = lease.owner.summary
        host = lease.owner.host
        pid = lease.owner.pid
        runner = lease.owner.runner
        actor = lease.owner.actor
        runUrl = lease.owner.runURL
        deploymentId = lease.deploymentID?.rawValue
        reason = lease.reason
        heldByHand = lease.isHeldByHand
        acquiredAt = lease.acquiredAt
        expiresAt = lease.shownExpiry
    }

    enum CodingKeys: String, CodingKey {
        case token, holder, host, pid, runner, actor, runUrl, deploymentId, reason, heldByHand, acquiredAt, expiresAt
    }

    package func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(token, forKey: .token)
        try container.encode(holder, forKey: .holder)
        try container.encode(host, forKey: .host)
        try container.encode(pid, forKey: .pid)
        try container.encode(runner, forKey: .runner)
        try container.encode(actor, forKey: .actor)
        try container.encode(runUrl, forKey: .runUrl)
        try container.encode(deploymentId, forKey: .deploymentId)
        try container.encode(reason, forKey: .reason)
        try container.encode(heldByHand, forKey: .heldByHand)
        try container.encode(acquiredAt, forKey: .acquiredAt)
        try container.encode(expiresAt, forKey: .expiresAt)
    }
}
