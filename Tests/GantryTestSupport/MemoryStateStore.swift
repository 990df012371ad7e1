package import Foundation
package import GantryCore

/// A state store in memory with the same fencing and queue rules as the real ones, for
/// engine tests that need no files or servers. It runs through the store contract suite
/// beside SQLite and PostgreSQL, so it cannot drift from them unnoticed.
package actor MemoryStateStore: StateStore {
    package init() {}

    private(set) var environments: [String: EnvironmentState] = [:]
    private(set) var records: [DeploymentID: DeploymentRecord] = [:]
    private(set) var journals: [DeploymentID: [JournalEntry]] = [:]
    /// Leases, tokens and the waiters' queue: the core's `LeaseTable`, the rules the
    /// simulator steps too.
    private(set) var leases = LeaseTable()
    package private(set) var latest: [String: Observation] = [:]
    private(set) var failoverLog: [RunnerFailover] = []
    /// Every deployment as first finished: what the totals count, pruning or not.
    private var counted: [DeploymentRecord] = []
    private var addedTotals = HistoryTotals()
    /// Notifications waiting or delivered, in enqueue order.
    private(set) var outbox: [OutboxItem] = []
    /// Signed approvals, in the order they were added.
    private(set) var approvalLog: [Approval] = []

    package func record(_ observations: [Observation]) throws(StoreError) {
        for observation in observations {
            if let old = latest[observation.key], old.at > observation.at { continue }
            latest[observation.key] = observation
        }
    }

    package func observations() throws(StoreError) -> [Observation] { latest.values.sorted { ($0.subject.rawValue, $0.environment, $0.name) < ($1.subject.rawValue, $1.environment, $1.name) } }

    package func addApproval(_ approval: Approval) throws(StoreError) {
        guard !approvalLog.contains(where: { $0.signature == approval.signature }) else { return }
        approvalLog.append(approval)
    }

    package func approvals(environment: String, release: String?, limit: Int) throws(StoreError) -> [Approval] {
        // Newest first: by the time recorded, then the later added.
        let own = approvalLog.enumerated().filter { $0.element.environment == environment && (release == nil || $0.element.release == release) }
        return own.sorted { ($0.element.recordedAt, $0.offset) > ($1.element.recordedAt, $1.offset) }.prefix(limit).map(\.element)
    }

    package func recordFailover(_ failover: RunnerFailover) throws(StoreError) { failoverLog.append(failover) }

    package func failoverCounts() throws(StoreError) -> [FailoverCount] {
        Dictionary(grouping: failoverLog) { [$0.environment, $0.from, $0.to] }
            .map { FailoverCount(environment: $0.key[0], from: $0.key[1], to: $0.key[2], count: $0.value.count) }
            .sorted { ($0.environment, $0.from, $0.to) < ($1.environment, $1.from, $1.to) }
    }

    package func failovers(limit: Int) throws(StoreError) -> [RunnerFailover] { Array(failoverLog.reversed().prefix(limit)) }

    package func environmentState(_ environment: String) throws(StoreError) -> EnvironmentState {
        environments[environment] ?? EnvironmentState(name: environment)
    }

    package func environmentStates() throws(StoreError) -> [EnvironmentState] { Array(environments.values) }

    package func tryAcquireLock(_ request: LockRequest) throws(StoreError) -> LockAttempt {
        leases.acquire(request)
    }

    /// Renewals to answer with an error first, as a database that is restarting would.
    private var failingRenewals = 0
    package private(set) var renewals = 0

    package func failRenewals(_ count: Int) { failingRenewals = count }

    package func renewLock(environment: String, token: FencingToken, ttl: Duration, now: Date) throws(StoreError) -> Lease? {
        renewals += 1
        if failingRenewals > 0 {
            failingRenewals -= 1
            throw StoreError(.unavailable, "connection refused")
        }
        return leases.renew(environment: environment, token: token, ttl: ttl, now: now)
    }

    package func enqueue(_ waiter: LockWaiter, environment: String) throws(StoreError) {
        leases.enqueue(waiter, environment: environment)
    }

    package func heartbeat(environment: String, deploymentID: DeploymentID, now: Date) throws(StoreError) {
        leases.heartbeat(environment: environment, deploymentID: deploymentID, now: now)
    }

    package func dequeue(environment: String, deploymentID: DeploymentID) throws(StoreError) {
        leases.dequeue(environment: environment, deploymentID: deploymentID)
    }

    package func waiters(environment: String, liveSince: Date) throws(StoreError) -> [LockWaiter] {
        leases.waiters(environment: environment, liveSince: liveSince)
    }

    package func unfinishedDeployments(environment: String, excluding: DeploymentID?) throws(StoreError) -> [DeploymentRecord] {
        records.values.filter { $0.environment == environment && $0.outcome == nil && $0.id != excluding }.sorted { $0.id < $1.id }
    }

    package func setFreeze(environment: String, freeze: EnvironmentState.Freeze?, at: Date) throws(StoreError) {
        var state = environments[environment] ?? EnvironmentState(name: environment)
        state.freeze = freeze
        if freeze == nil { state.breakerResetAt = at }
        environments[environment] = state
    }

    package func holdLock(environment: String, token: FencingToken, reason: String) throws(StoreError) {
        leases.hold(environment: environment, token: token, reason: reason)
    }

    package func releaseLock(environment: String, token: FencingToken) throws(StoreError) {
        leases.release(environment: environment, token: token)
    }

    package func lease(environment: String) throws(StoreError) -> Lease? {
        leases.lease(environment: environment)
    }

    private func check(_ environment: String, _ token: FencingToken?) throws(StoreError) {
        guard leases.accepts(token, environment: environment) else {
            throw StoreError(.staleToken, "stale token \(token?.description ?? "")")
        }
    }

    package func beginDeployment(_ record: DeploymentRecord, token: FencingToken?) throws(StoreError) {
        try check(record.environment, token)
        records[record.id] = record
    }

    package func append(_ event: JournalEvent, to id: DeploymentID, at: Date, token: FencingToken?) throws(StoreError) {
        guard let record = records[id] else { throw StoreError(.notFound, "no \(id)") }
        try check(record.environment, token)
        journals[id, default: []].append(JournalEntry(sequence: (journals[id]?.count ?? 0) + 1, at: at, event: event))
    }

    package func finishDeployment(_ id: DeploymentID, outcome: Outcome, reason: String?, code: ReasonCode?, at: Date, promote: Bool, token: FencingToken?) throws(StoreError) {
        guard var record = records[id] else { throw StoreError(.notFound, "no \(id)") }
        try check(record.environment, token)
        let first = record.outcome == nil
        record.outcome = outcome
        record.reason = reason
        record.reasonCode = code
        record.finishedAt = at
        records[id] = record
        if first { counted.append(record) }
        if promote {
            environments[record.environment] = EnvironmentState(name: record.environment, current: record.release, lastGood: record.release, currentDeploymentID: id, updatedAt: at)
        }
    }

    package func deployments(environment: String?, limit: Int, before: DeploymentID?) throws(StoreError) -> [DeploymentRecord] {
        Array(records.values.filter { (environment == nil || $0.environment == environment) && (before == nil || $0.id < before!) }.sorted { $0.id > $1.id }.prefix(limit))
    }

    package func totals() throws(StoreError) -> HistoryTotals { HistoryTotals(records: counted).merging(addedTotals) }

    package func addToTotals(_ totals: HistoryTotals) throws(StoreError) { addedTotals = addedTotals.merging(totals) }

    package func prune(finishedBefore: Date) throws(StoreError) -> Int {
        let all = records.values.sorted { $0.id > $1.id }
        var kept = Set(environments.values.compactMap(\.currentDeploymentID))
        for environment in Set(all.map(\.environment)) {
            let own = all.filter { $0.environment == environment }
            if let newest = own.first { kept.insert(newest.id) }
            if let ran = own.first(where: { $0.outcome != .skipped && $0.outcome != .refused }) { kept.insert(ran.id) }
        }
        let doomed = all.filter { $0.outcome != nil && ($0.finishedAt ?? .distantFuture) < finishedBefore && !kept.contains($0.id) }
        for record in doomed {
            records[record.id] = nil
            journals[record.id] = nil
        }
        outbox.removeAll { records[$0.deploymentID] == nil }
        return doomed.count
    }

    package func importDeployments(_ deployments: [StateExport.Deployment], current: Set<DeploymentID>) throws(StoreError) {
        for deployment in deployments {
            let record = deployment.record.imported
            records[record.id] = record
            journals[record.id] = deployment.journal
            if record.outcome != nil { counted.append(record) }
            if current.contains(record.id) {
                environments[record.environment] = EnvironmentState(
                    name: record.environment, current: record.release, lastGood: record.release, currentDeploymentID: record.id, updatedAt: record.finishedAt
                )
            }
        }
    }

    package func lastEffectiveDeployment(environment: String, excluding: DeploymentID?) throws(StoreError) -> DeploymentRecord? {
        try deployments(environment: environment, limit: .max, before: nil).first { $0.id != excluding && $0.outcome != .skipped && $0.outcome != .refused }
    }

    package func deployment(_ id: DeploymentID) throws(StoreError) -> DeploymentRecord? { records[id] }

    package func journal(_ id: DeploymentID) throws(StoreError) -> [JournalEntry] { journals[id] ?? [] }

    /// Lets a test take over a lease, as another process would after expiry.
    package func stealLock(_ environment: String) {
        guard let existing = leases.entries[environment]?.lease else { return }
        _ = leases.acquire(LockRequest(
            environment: environment, owner: existing.owner, deploymentID: existing.deploymentID, reason: existing.reason,
            ttl: .milliseconds(Int64((existing.expiresAt.timeIntervalSince(existing.acquiredAt) * 1000).rounded())), now: existing.acquiredAt,
            breaking: existing.token
        ))
    }
}

/// The outbox.
extension MemoryStateStore {
    package func enqueueNotifications(_ items: [OutboxItem]) throws(StoreError) {
        for item in items where !outbox.contains(where: { $0.key == item.key }) { outbox.append(item) }
    }

    package func claimNotifications(dueAt now: Date, until: Date, limit: Int) throws(StoreError) -> [OutboxItem] {
        var claimed: [OutboxItem] = []
        for index in outbox.indices where claimed.count < limit {
            let item = outbox[index]
            guard item.deliveredAt == nil, item.attempts < DeliveryBackoff.maxAttempts, item.nextAttemptAt <= now else { continue }
            outbox[index].attempts += 1
            outbox[index].nextAttemptAt = until
            claimed.append(outbox[index])
        }
        return claimed
    }

    package func settleNotification(_ item: OutboxItem) throws(StoreError) {
        guard let index = outbox.firstIndex(where: { $0.key == item.key }) else { return }
        outbox[index] = item
    }

    package func notifications(of deployment: DeploymentID) throws(StoreError) -> [OutboxItem] {
        outbox.filter { $0.deploymentID == deployment }
    }
}
