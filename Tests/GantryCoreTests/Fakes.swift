import Foundation
import GantryCore

/// A state store in memory with the same fencing rules as the real ones, for engine tests.
actor MemoryStateStore: StateStore {
    var environments: [String: EnvironmentState] = [:]
    var records: [DeploymentID: DeploymentRecord] = [:]
    var journals: [DeploymentID: [JournalEntry]] = [:]
    var locks: [String: (lease: Lease, held: Bool)] = [:]
    var latest: [String: Observation] = [:]
    var failoverLog: [RunnerFailover] = []

    func record(_ observations: [Observation]) throws(StoreError) {
        for observation in observations {
            if let old = latest[observation.key], old.at > observation.at { continue }
            latest[observation.key] = observation
        }
    }

    func observations() throws(StoreError) -> [Observation] { latest.values.sorted { ($0.subject.rawValue, $0.environment, $0.name) < ($1.subject.rawValue, $1.environment, $1.name) } }

    func recordFailover(_ failover: RunnerFailover) throws(StoreError) { failoverLog.append(failover) }

    func failoverCounts() throws(StoreError) -> [FailoverCount] {
        Dictionary(grouping: failoverLog) { [$0.environment, $0.from, $0.to] }
            .map { FailoverCount(environment: $0.key[0], from: $0.key[1], to: $0.key[2], count: $0.value.count) }
            .sorted { ($0.environment, $0.from, $0.to) < ($1.environment, $1.from, $1.to) }
    }

    func failovers(limit: Int) throws(StoreError) -> [RunnerFailover] { Array(failoverLog.reversed().prefix(limit)) }

    func environmentState(_ environment: String) throws(StoreError) -> EnvironmentState {
        environments[environment] ?? EnvironmentState(name: environment)
    }

    func environmentStates() throws(StoreError) -> [EnvironmentState] { Array(environments.values) }

    var queue: [String: [LockWaiter]] = [:]

    func tryAcquireLock(_ request: LockRequest) throws(StoreError) -> LockAttempt {
        let environment = request.environment
        if let existing = locks[environment], existing.held, existing.lease.expiresAt > request.now, existing.lease.token != request.breaking {
            return .held(existing.lease)
        }
        if let waiter = request.waiter {
            let live = (queue[environment] ?? []).filter { $0.heartbeatAt >= (request.waitersLiveSince ?? .distantPast) }
            if let head = live.first, head.deploymentID != waiter { return .queuedBehind(head) }
        }
        let token = FencingToken((locks[environment]?.lease.token.value ?? 0) + 1)
        let lease = Lease(environment: environment, token: token, owner: request.owner, deploymentID: request.deploymentID, reason: request.reason, acquiredAt: request.now, expiresAt: request.now.addingTimeInterval(request.ttl.seconds))
        locks[environment] = (lease, true)
        if let waiter = request.waiter { queue[environment]?.removeAll { $0.deploymentID == waiter } }
        return .acquired(lease)
    }

    /// Renewals to answer with an error first, as a database that is restarting would.
    var failingRenewals = 0
    var renewals = 0

    func failRenewals(_ count: Int) { failingRenewals = count }

    func renewLock(environment: String, token: FencingToken, ttl: Duration, now: Date) throws(StoreError) -> Lease? {
        renewals += 1
        if failingRenewals > 0 {
            failingRenewals -= 1
            throw StoreError(.unavailable, "connection refused")
        }
        guard var lock = locks[environment], lock.held, lock.lease.token == token, lock.lease.deploymentID != nil else { return nil }
        lock.lease.expiresAt = now.addingTimeInterval(ttl.seconds)
        locks[environment] = lock
        return lock.lease
    }

    func enqueue(_ waiter: LockWaiter, environment: String) throws(StoreError) {
        queue[environment, default: []].removeAll { $0.deploymentID == waiter.deploymentID }
        queue[environment, default: []].append(waiter)
    }

    func heartbeat(environment: String, deploymentID: DeploymentID, now: Date) throws(StoreError) {
        if let index = queue[environment]?.firstIndex(where: { $0.deploymentID == deploymentID }) { queue[environment]![index].heartbeatAt = now }
    }

    func dequeue(environment: String, deploymentID: DeploymentID) throws(StoreError) {
        queue[environment]?.removeAll { $0.deploymentID == deploymentID }
    }

    func waiters(environment: String, liveSince: Date) throws(StoreError) -> [LockWaiter] {
        (queue[environment] ?? []).filter { $0.heartbeatAt >= liveSince }
    }

    func unfinishedDeployments(environment: String, excluding: DeploymentID?) throws(StoreError) -> [DeploymentRecord] {
        records.values.filter { $0.environment == environment && $0.outcome == nil && $0.id != excluding }.sorted { $0.id < $1.id }
    }

    func setFreeze(environment: String, freeze: EnvironmentState.Freeze?, at: Date) throws(StoreError) {
        var state = environments[environment] ?? EnvironmentState(name: environment)
        state.freeze = freeze
        if freeze == nil { state.breakerResetAt = at }
        environments[environment] = state
    }

    func holdLock(environment: String, token: FencingToken, reason: String) throws(StoreError) {
        guard var lock = locks[environment], lock.held, lock.lease.token == token else { return }
        lock.lease.deploymentID = nil
        lock.lease.reason = reason
        lock.lease.expiresAt = .distantFuture
        locks[environment] = lock
    }

    func releaseLock(environment: String, token: FencingToken) throws(StoreError) {
        if let existing = locks[environment], existing.lease.token == token { locks[environment] = (existing.lease, false) }
    }

    func lease(environment: String) throws(StoreError) -> Lease? {
        locks[environment].flatMap { $0.held ? $0.lease : nil }
    }

    private func check(_ environment: String, _ token: FencingToken?) throws(StoreError) {
        guard let token else { return }
        guard let lock = locks[environment], lock.held, lock.lease.token == token else {
            throw StoreError(.staleToken, "stale token \(token)")
        }
    }

    func beginDeployment(_ record: DeploymentRecord, token: FencingToken?) throws(StoreError) {
        try check(record.environment, token)
        records[record.id] = record
    }

    func append(_ event: JournalEvent, to id: DeploymentID, at: Date, token: FencingToken?) throws(StoreError) {
        guard let record = records[id] else { throw StoreError(.notFound, "no \(id)") }
        try check(record.environment, token)
        journals[id, default: []].append(JournalEntry(sequence: (journals[id]?.count ?? 0) + 1, at: at, event: event))
    }

    func finishDeployment(_ id: DeploymentID, outcome: Outcome, reason: String?, code: ReasonCode?, at: Date, promote: Bool, token: FencingToken?) throws(StoreError) {
        guard var record = records[id] else { throw StoreError(.notFound, "no \(id)") }
        try check(record.environment, token)
        record.outcome = outcome
        record.reason = reason
        record.reasonCode = code
        record.finishedAt = at
        records[id] = record
        if promote {
            environments[record.environment] = EnvironmentState(name: record.environment, current: record.release, lastGood: record.release, currentDeploymentID: id, updatedAt: at)
        }
    }

    func deployments(environment: String?, limit: Int) throws(StoreError) -> [DeploymentRecord] {
        Array(records.values.filter { environment == nil || $0.environment == environment }.sorted { $0.id > $1.id }.prefix(limit))
    }

    func lastEffectiveDeployment(environment: String, excluding: DeploymentID?) throws(StoreError) -> DeploymentRecord? {
        try deployments(environment: environment, limit: .max).first { $0.id != excluding && $0.outcome != .skipped && $0.outcome != .refused }
    }

    func deployment(_ id: DeploymentID) throws(StoreError) -> DeploymentRecord? { records[id] }

    func journal(_ id: DeploymentID) throws(StoreError) -> [JournalEntry] { journals[id] ?? [] }

    /// Lets a test take over a lease, as another process would after expiry.
    func stealLock(_ environment: String) {
        guard let existing = locks[environment] else { return }
        var lease = existing.lease
        lease.token = FencingToken(lease.token.value + 1)
        locks[environment] = (lease, true)
    }
}

/// A command runner that plays back a scripted result and records what it was asked to run,
/// together with the journal as it stood at that moment.
final class ScriptedRunner: CommandRunner, @unchecked Sendable {
    let lock = NSLock()
    var script: [Result<(lines: [String], termination: CommandTermination), CommandLaunchError>]
    var invocations: [CommandInvocation] = []
    var onRun: (@Sendable () async -> Void)?

    init(_ script: [Result<(lines: [String], termination: CommandTermination), CommandLaunchError>]) {
        self.script = script
    }

    func run(_ invocation: CommandInvocation, onStart: @escaping @Sendable (Int32) async -> Void, output: @escaping @Sendable (OutputPiece) async -> Void) async throws(CommandLaunchError) -> CommandResult {
        let next: Result<(lines: [String], termination: CommandTermination), CommandLaunchError> = lock.withLock {
            invocations.append(invocation)
            return script.isEmpty ? .failure(CommandLaunchError(program: invocation.argv[0], reason: "the test scripted no more runs")) : script.removeFirst()
        }
        await onRun?()
        if case .success = next { await onStart(4242) }
        switch next {
        case .success(let step):
            for line in step.lines { await output(OutputPiece(line)) }
            return CommandResult(termination: step.termination, duration: .milliseconds(5))
        case .failure(let error):
            throw error
        }
    }
}

/// A clock that advances only when told, or by the time a sleep asks for (at once).
final class TestClock: GantryClock, @unchecked Sendable {
    private let lock = NSLock()
    private var current = Date(timeIntervalSince1970: 1_795_000_000)
    private(set) var slept: [Duration] = []

    func now() -> Date { lock.withLock { current } }
    func advance(_ duration: Duration) { lock.withLock { current = current.addingTimeInterval(duration.seconds) } }

    func sleep(for duration: Duration) async throws {
        try Task.checkCancellation()
        lock.withLock {
            slept.append(duration)
            current = current.addingTimeInterval(duration.seconds)
        }
    }
}

/// A prober that passes everything except the probes it is told fail (by URL or kind),
/// optionally only for their first `failTimes` attempts, and counts attempts.
final class ScriptedProber: Prober, @unchecked Sendable {
    private let lock = NSLock()
    let failing: [String: String]
    let failTimes: Int
    let delay: Duration
    private(set) var attempts: [String: Int] = [:]

    init(failing: [String: String] = [:], failTimes: Int = .max, delay: Duration = .zero) {
        self.failing = failing
        self.failTimes = failTimes
        self.delay = delay
    }

    func probe(_ probe: ProbeConfig, timeout: Duration) async -> ProbeVerdict {
        let key: String = if case .http(let http) = probe { http.url } else { probe.kind }
        let count = lock.withLock { () -> Int in
            attempts[key, default: 0] += 1
            return attempts[key]!
        }
        if delay > .zero { try? await Task.sleep(for: delay) }
        if let message = failing[key], count <= failTimes { return .fail(message) }
        return .pass("ok \(key)")
    }
}

/// Records what the engine reports.
actor RecordingObserver: DeploymentObserver {
    var events: [ProgressEvent] = []
    func observe(_ event: ProgressEvent) { events.append(event) }
}

/// Processes as a test wants them: everything alive unless listed dead; stops are recorded.
final class FakeProcesses: ProcessControl, @unchecked Sendable {
    let hostName = "ci-1"
    private let lock = NSLock()
    var dead: Set<Int32> = []
    private(set) var stopped: [Int32] = []

    /// This fake machine's identity; origins recorded "here" carry it.
    static let here = ProcessIdentity(machine: "machine-1", boot: "boot-1", pidNamespace: 4026531836, startTime: 100)
    var identity: ProcessIdentity { Self.here }
    func isRunning(pid: Int32, startTime: UInt64?) -> Bool { lock.withLock { !dead.contains(pid) } }
    func startTime(of pid: Int32) -> UInt64? { 100 }
    func groupLeaderMatches(_ group: Int32, startTime: UInt64?) -> Bool { true }
    func stopGroup(_ group: Int32, grace: Duration) async { lock.withLock { stopped.append(group) } }
    func stopProcesses(ofDeployment deployment: String, grace: Duration) async -> Int { 0 }
    func findExecutable(_ name: String, path: String) -> String? { name == "missing-tool" ? nil : "/usr/bin/\(name)" }
}
