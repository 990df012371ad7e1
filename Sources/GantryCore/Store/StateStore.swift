package import Foundation

/// Where Gantry keeps what it knows: environments, deployments, journals and leases.
///
/// SQLite implements it for one runner host and PostgreSQL for many; both pass the same
/// contract tests. Every write made on behalf of a running deployment carries the lease's
/// fencing token and fails with `StoreError.staleToken` when a newer lease exists, so a
/// paused or partitioned old holder cannot overwrite what the new holder decided.
package protocol StateStore: Sendable {
    /// Ends the store's connections gracefully (a PostgreSQL client says goodbye instead of
    /// dropping its sockets at exit). Called once by whoever opened the store, after the
    /// last use; the default does nothing (SQLite closes with its last reference).
    func close() async

    /// Keeps the store's background work going (a PostgreSQL client's connection pool) until
    /// the calling task is cancelled. Whoever owns a store opened with an owner runs this for
    /// as long as the store is used; the default does nothing (SQLite needs no background).
    func run() async

    /// The state of one environment (empty when it never deployed).
    func environmentState(_ environment: String) async throws(StoreError) -> EnvironmentState
    /// Every environment that has state.
    func environmentStates() async throws(StoreError) -> [EnvironmentState]

    /// Takes the environment's lease when it is free or expired at `request.now`, when the
    /// request breaks a lease whose holder is known dead, and (for a queued waiter) only when
    /// no live waiter queued earlier. A queued waiter that takes the lease leaves the queue in
    /// the same write.
    func tryAcquireLock(_ request: LockRequest) async throws(StoreError) -> LockAttempt
    /// Extends a deployment's held lease; nil when `token` no longer holds it, or when the
    /// lease became a hold by hand (a renewal still in flight must not give it an expiry).
    func renewLock(environment: String, token: FencingToken, ttl: Duration, now: Date) async throws(StoreError) -> Lease?
    /// Joins the environment's queue of deployments waiting for the lease.
    func enqueue(_ waiter: LockWaiter, environment: String) async throws(StoreError)
    /// Says the waiter is still alive; waiters that stop doing so are skipped.
    func heartbeat(environment: String, deploymentID: DeploymentID, now: Date) async throws(StoreError)
    func dequeue(environment: String, deploymentID: DeploymentID) async throws(StoreError)
    /// Waiters whose last heartbeat is at or after `liveSince`, in arrival order.
    func waiters(environment: String, liveSince: Date) async throws(StoreError) -> [LockWaiter]
    /// Gives the lease back; a no-op when `token` is no longer the holder's.
    func releaseLock(environment: String, token: FencingToken) async throws(StoreError)
    /// The live or expired lease of the environment, if it was not released.
    func lease(environment: String) async throws(StoreError) -> Lease?
    /// Waits up to `timeout` between a waiter's polls, returning early when the store sees
    /// the environment's lease released with `waiter` next in line. A waiter then asks at
    /// once instead of sleeping out its poll interval. Returning early for nothing is
    /// harmless: the caller simply asks again. Throws `CancellationError` when the task is
    /// cancelled.
    func awaitLockRelease(environment: String, waiter: DeploymentID, timeout: Duration, clock: any GantryClock) async throws

    /// Records the start of a deployment. With a token, only while that lease is current.
    func beginDeployment(_ record: DeploymentRecord, token: FencingToken?) async throws(StoreError)
    /// Appends to a deployment's journal.
    func append(_ event: JournalEvent, to id: DeploymentID, at: Date, token: FencingToken?) async throws(StoreError)
    /// Appends `events` in order, in one transaction: all or none (a stale token writes
    /// nothing). A verification's thousand check results cost one commit, not a thousand.
    func append(_ events: [JournalEvent], to id: DeploymentID, at: Date, token: FencingToken?) async throws(StoreError)
    /// Ends a deployment. With `promote`, atomically makes its release current and last good.
    func finishDeployment(_ id: DeploymentID, outcome: Outcome, reason: String?, code: ReasonCode?, at: Date, promote: Bool, token: FencingToken?) async throws(StoreError)

    /// Freezes the environment (`freeze` set) or lifts the freeze and resets the circuit
    /// breaker (`freeze` nil).
    func setFreeze(environment: String, freeze: EnvironmentState.Freeze?, at: Date) async throws(StoreError)
    /// Turns a held deployment lease into a hold by hand (no expiry), for
    /// `protect.lock_after_rollback`.
    func holdLock(environment: String, token: FencingToken, reason: String) async throws(StoreError)

    /// Deployments, newest first, of one environment or all; with `before`, only those older
    /// than that one (the next page of a history).
    func deployments(environment: String?, limit: Int, before: DeploymentID?) async throws(StoreError) -> [DeploymentRecord]
    /// The newest deployment of the environment that ran or is running (not skipped or
    /// refused), other than `excluding`.
    func lastEffectiveDeployment(environment: String, excluding: DeploymentID?) async throws(StoreError) -> DeploymentRecord?
    func deployment(_ id: DeploymentID) async throws(StoreError) -> DeploymentRecord?
    /// Deployments of the environment that started and never recorded an outcome: killed.
    func unfinishedDeployments(environment: String, excluding: DeploymentID?) async throws(StoreError) -> [DeploymentRecord]
    func journal(_ id: DeploymentID) async throws(StoreError) -> [JournalEntry]

    /// What the metrics count about every finished deployment ever recorded, pruned ones
    /// included, as kept in the same transaction as each outcome.
    func totals() async throws(StoreError) -> HistoryTotals
    /// Deletes deployments that finished before `finishedBefore`, with their journals, and
    /// returns how many. Never deleted: unfinished deployments (recovery needs them), the
    /// newest deployment and the newest that ran of each environment, and each environment's
    /// current one. The totals are not touched.
    func prune(finishedBefore: Date) async throws(StoreError) -> Int
    /// Writes finished (or unfinished) deployments with their journals as they were, in one
    /// transaction, adding the finished ones to the totals; those in `current` become their
    /// environment's current and last good release. For `gantry store import`, into a store
    /// that holds no deployment.
    func importDeployments(_ deployments: [StateExport.Deployment], current: Set<DeploymentID>) async throws(StoreError)
    /// Adds to the totals what no stored deployment accounts for: an import's share of
    /// deployments the exported store had pruned.
    func addToTotals(_ totals: HistoryTotals) async throws(StoreError)

    /// Adds notifications to the outbox; an item whose key is there already is left alone.
    func enqueueNotifications(_ items: [OutboxItem]) async throws(StoreError)
    /// Takes up to `limit` undelivered items due at `now`, oldest first, counting the attempt
    /// and setting their next attempt to `until`: another process delivering at the same
    /// time does not take them too.
    func claimNotifications(dueAt now: Date, until: Date, limit: Int) async throws(StoreError) -> [OutboxItem]
    /// Records how an attempt went: delivered at a time, or failed (with when to try again;
    /// an item past `DeliveryBackoff.maxAttempts` is not taken again).
    func settleNotification(_ item: OutboxItem) async throws(StoreError)
    /// A deployment's notifications, in the order they were enqueued.
    func notifications(of deployment: DeploymentID) async throws(StoreError) -> [OutboxItem]

    /// Keeps the latest observation per subject, environment and name (newer replaces older;
    /// an observation older than the stored one is ignored).
    func record(_ observations: [Observation]) async throws(StoreError)
    /// The latest observation of every runner and check that has one.
    func observations() async throws(StoreError) -> [Observation]
    /// The store's own clock, where it has one (PostgreSQL's `clock_timestamp()`): what times
    /// several runners compare (a promotion's soak) are measured on, so no runner's clock
    /// decides them. Nil for an embedded store, whose clock is the caller's.
    func now() async throws(StoreError) -> Date?
    /// Keeps a signed approval (`gantry approve`); one whose signature is stored already is
    /// left alone.
    func addApproval(_ approval: Approval) async throws(StoreError)
    /// The environment's approvals, newest first; with `release`, only those naming it.
    func approvals(environment: String, release: String?, limit: Int) async throws(StoreError) -> [Approval]
    /// Remembers a failover, for `gantry_runner_failovers_total` and the status page.
    func recordFailover(_ failover: RunnerFailover) async throws(StoreError)
    /// Failovers counted per environment and pair of runners.
    func failoverCounts() async throws(StoreError) -> [FailoverCount]
    /// The newest failovers, newest first.
    func failovers(limit: Int) async throws(StoreError) -> [RunnerFailover]
}

extension StateStore {
    package func close() async {}
    package func now() async throws(StoreError) -> Date? { nil }
    package func run() async {}

    /// One append after another: for stores where a write costs no commit (memory).
    package func append(_ events: [JournalEvent], to id: DeploymentID, at: Date, token: FencingToken?) async throws(StoreError) {
        for event in events { try await append(event, to: id, at: at, token: token) }
    }

    /// Takes the environment's lock by hand (`gantry lock`): a lease of no deployment that
    /// never expires (`Lease.handHeldUntil`), refused while a deployment holds or waits for it.
    /// A deployment waiting its turn goes first: the person is told who waits
    /// (`queuedBehind`), and can hold once it has run. (Looked at just before the
    /// acquisition: a deploy that joins the queue in between meets the hold and is refused
    /// as held by hand, which changes nothing.)
    package func holdByHand(environment: String, owner: Origin, reason: String, now: Date) async throws(StoreError) -> LockAttempt {
        if let first = try await waiters(environment: environment, liveSince: now.addingTimeInterval(-DeploymentEngine.waiterStaleness.seconds)).first {
            return .queuedBehind(first)
        }
        let text = reason
        let attempt = try await tryAcquireLock(
            environment: environment, owner: owner, deploymentID: nil, reason: text,
            ttl: .milliseconds(Int64(Lease.handHeldUntil.timeIntervalSince(now) * 1000)), now: now
        )
        guard case .acquired(var lease) = attempt else { return attempt }
        // The same write as a lease turned into a hold (`holdLock`): the one expiry exactly,
        // whatever clock the store measured the acquisition on.
        try await holdLock(environment: environment, token: lease.token, reason: text)
        lease.expiresAt = Lease.handHeldUntil
        return .acquired(lease)
    }

    /// Stores that see no releases (SQLite: waiters on one host poll a local file, which
    /// costs microseconds) wait the whole interval.
    /// `finishDeployment` without a reason code: a success, or a record of an older version.
    package func finishDeployment(_ id: DeploymentID, outcome: Outcome, reason: String?, at: Date, promote: Bool, token: FencingToken?) async throws(StoreError) {
        try await finishDeployment(id, outcome: outcome, reason: reason, code: nil, at: at, promote: promote, token: token)
    }

    /// The newest deployments, of one environment or all.
    package func deployments(environment: String?, limit: Int) async throws(StoreError) -> [DeploymentRecord] {
        try await deployments(environment: environment, limit: limit, before: nil)
    }

    package func awaitLockRelease(environment: String, waiter: DeploymentID, timeout: Duration, clock: any GantryClock) async throws {
        try await clock.sleep(for: timeout)
    }

    /// Takes a free or expired lease, outside any queue.
    package func tryAcquireLock(environment: String, owner: Origin, deploymentID: DeploymentID?, reason: String?, ttl: Duration, now: Date) async throws(StoreError) -> LockAttempt {
        try await tryAcquireLock(LockRequest(environment: environment, owner: owner, deploymentID: deploymentID, reason: reason, ttl: ttl, now: now))
    }
}
