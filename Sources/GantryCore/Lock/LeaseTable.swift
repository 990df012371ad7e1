package import Foundation

/// The lease rules every store keeps, as a value: who holds each environment's lease and
/// until when, the fencing token each grant draws (one more than the last), the queue of
/// waiters, and which token a write must carry to be accepted. SQLite and PostgreSQL keep
/// these rules in SQL; the in-memory store runs on this table, and the store contract suite
/// runs all three against the same expectations, so the table cannot drift from the real
/// stores unnoticed. The lease simulator steps the same table with a simulated clock.
package struct LeaseTable: Sendable {
    /// One environment's lease: the newest granted (its token is the highest), and whether
    /// it is still held.
    package struct Entry: Sendable, Hashable {
        package var lease: Lease
        package var held: Bool
    }

    package private(set) var entries: [String: Entry] = [:]
    private(set) var queues: [String: [LockWaiter]] = [:]

    package init() {}

    /// Grants the lease unless a live one is held by someone else (`request.breaking` names
    /// the one token that may be taken over) or a live waiter is ahead of `request.waiter`.
    package mutating func acquire(_ request: LockRequest) -> LockAttempt {
        let environment = request.environment
        if let existing = entries[environment], existing.held, existing.lease.expiresAt > request.now, existing.lease.token != request.breaking {
            return .held(existing.lease)
        }
        if let waiter = request.waiter {
            let live = (queues[environment] ?? []).filter { $0.heartbeatAt >= (request.waitersLiveSince ?? .distantPast) }
            if let head = live.first, head.deploymentID != waiter { return .queuedBehind(head) }
        }
        let token = FencingToken((entries[environment]?.lease.token.value ?? 0) + 1)
        let lease = Lease(
            environment: environment, token: token, owner: request.owner, deploymentID: request.deploymentID, reason: request.reason,
            acquiredAt: request.now, expiresAt: request.now.addingTimeInterval(request.ttl.seconds)
        )
        entries[environment] = Entry(lease: lease, held: true)
        if let waiter = request.waiter { queues[environment]?.removeAll { $0.deploymentID == waiter } }
        return .acquired(lease)
    }

    /// Extends a deployment's lease held under `token` to `now + ttl`; nil when it is gone
    /// (released, taken over, or held by hand) or has expired, taken by nobody yet or not:
    /// an expired lease stays expired, on every store (PostgreSQL judges it on its clock).
    package mutating func renew(environment: String, token: FencingToken, ttl: Duration, now: Date) -> Lease? {
        guard var entry = entries[environment], entry.held, entry.lease.token == token, entry.lease.deploymentID != nil,
              entry.lease.expiresAt > now else { return nil }
        entry.lease.expiresAt = now.addingTimeInterval(ttl.seconds)
        entries[environment] = entry
        return entry.lease
    }

    /// Turns the lease under `token` into a hold by hand: no deployment, no expiry.
    package mutating func hold(environment: String, token: FencingToken, reason: String) {
        guard var entry = entries[environment], entry.held, entry.lease.token == token else { return }
        entry.lease.deploymentID = nil
        entry.lease.reason = reason
        entry.lease.expiresAt = Lease.handHeldUntil
        entries[environment] = entry
    }

    package mutating func release(environment: String, token: FencingToken) {
        if let entry = entries[environment], entry.lease.token == token { entries[environment]?.held = false }
    }

    /// The lease held now, live or expired (a store reports both; the reader judges).
    package func lease(environment: String) -> Lease? {
        entries[environment].flatMap { $0.held ? $0.lease : nil }
    }

    /// Whether a write under `token` is accepted: only the holder's token of the newest
    /// lease, while it is held. A write without a token (a refusal, which changes nothing)
    /// is always accepted.
    package func accepts(_ token: FencingToken?, environment: String) -> Bool {
        guard let token else { return true }
        guard let entry = entries[environment], entry.held, entry.lease.token == token else { return false }
        return true
    }

    package mutating func enqueue(_ waiter: LockWaiter, environment: String) {
        queues[environment, default: []].removeAll { $0.deploymentID == waiter.deploymentID }
        queues[environment, default: []].append(waiter)
    }

    package mutating func heartbeat(environment: String, deploymentID: DeploymentID, now: Date) {
        if let index = queues[environment]?.firstIndex(where: { $0.deploymentID == deploymentID }) { queues[environment]![index].heartbeatAt = now }
    }

    package mutating func dequeue(environment: String, deploymentID: DeploymentID) {
        queues[environment]?.removeAll { $0.deploymentID == deploymentID }
    }

    package func waiters(environment: String, liveSince: Date) -> [LockWaiter] {
        (queues[environment] ?? []).filter { $0.heartbeatAt >= liveSince }
    }
}
