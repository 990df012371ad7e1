import Foundation
import GantryCore
import GantryStore
import GantryTestSupport
import Testing

/// A way to get a fresh, empty store of one implementation. The contract below runs
/// against every factory listed in `StoreFactory.all`; a new store implementation joins by
/// adding itself there.
struct StoreFactory: CustomTestStringConvertible, Sendable {
    let name: String
    /// The store judges leases by its own clock (the database's), not the `now` it is given:
    /// tests let real time pass instead of simulating it.
    var ownClock = false
    let make: @Sendable () async throws -> any StateStore

    var testDescription: String { name }

    static let sqlite = StoreFactory(name: "sqlite") {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("gantry-store-\(UUID().uuidString)")
        let path = directory.appendingPathComponent("state.db").path
        guard let store = try SQLiteStateStore.open(path: path, create: true) else { throw StoreError(.unavailable, "not created") }
        return store
    }

    /// A fresh database on the PostgreSQL that scripts/test starts, per test.
    static let postgres = StoreFactory(name: "postgres", ownClock: true) {
        try await PostgresTestDatabase.create()
    }

    /// The in-memory store the engine tests use: held to the same contract, so it cannot
    /// drift from the real stores.
    static let memory = StoreFactory(name: "memory") { MemoryStateStore() }

    /// Memory and SQLite always; PostgreSQL when scripts/test started one (always under CI=true, where
    /// a missing server fails these tests instead of skipping them).
    static let all: [StoreFactory] = {
        let environment = ProcessInfo.processInfo.environment
        return environment["GANTRY_TEST_STATE_POSTGRES_URL"] != nil || environment["CI"] == "true" ? [.memory, .sqlite, .postgres] : [.memory, .sqlite]
    }()
}

/// Time as a store sees it: simulated from a fixed start for stores that take the caller's
/// clock, real (with short sleeps) for stores that keep their own.
struct TestTime {
    let real: Bool
    private(set) var simulated = Date(timeIntervalSince1970: 1_795_000_000)

    init(_ factory: StoreFactory) {
        real = factory.ownClock
    }

    var now: Date { real ? Date() : simulated }

    mutating func advance(_ seconds: Double) async throws {
        if real { try await Task.sleep(for: .milliseconds(Int64(seconds * 1000))) } else { simulated.addTimeInterval(seconds) }
    }
}

@Suite("state store contract")
struct StoreContractTests {
    let origin = Origin(host: "ci-1", pid: 42, runner: "primary", actor: "alice", runURL: "https://github.com/acme/app/actions/runs/1", commit: "abc")
    let t0 = Date(timeIntervalSince1970: 1_795_000_000)

    func id(_ n: Int) -> DeploymentID { DeploymentID(rawValue: "20261129-000000.000-\(String(format: "%06x", n))") }

    func record(_ n: Int, env: String = "production", release: String = "1.0") -> DeploymentRecord {
        DeploymentRecord(id: id(n), environment: env, release: release, startedAt: t0.addingTimeInterval(Double(n)), origin: origin)
    }

    func acquire(_ store: any StateStore, env: String = "production", now: Date? = nil, ttl: Duration = .seconds(60)) async throws -> Lease {
        guard case .acquired(let lease) = try await store.tryAcquireLock(environment: env, owner: origin, deploymentID: nil, reason: "test", ttl: ttl, now: now ?? t0) else {
            throw StoreError(.busy, "lock unexpectedly held")
        }
        return lease
    }

    @Test("an unknown environment has empty state", arguments: StoreFactory.all)
    func emptyState(factory: StoreFactory) async throws {
        let store = try await factory.make()
        #expect(try await store.environmentState("production") == EnvironmentState(name: "production"))
        #expect(try await store.environmentStates().isEmpty)
        #expect(try await store.deployments(environment: nil, limit: 10).isEmpty)
    }

    @Test("a lease is exclusive until released or expired, and tokens only grow", arguments: StoreFactory.all)
    func leases(factory: StoreFactory) async throws {
        let store = try await factory.make()
        var time = TestTime(factory)
        let first = try await acquire(store, now: time.now)
        #expect(first.owner == origin)
        try await time.advance(0.2)
        guard case .held(let holder) = try await store.tryAcquireLock(environment: "production", owner: origin, deploymentID: nil, reason: nil, ttl: .seconds(60), now: time.now) else {
            Issue.record("a live lease was granted twice")
            return
        }
        #expect(holder.token == first.token)
        #expect(holder.reason == "test")
        // Other environments are independent.
        _ = try await acquire(store, env: "staging", now: time.now)
        // Released: free again, with a larger token.
        try await store.releaseLock(environment: "production", token: first.token)
        #expect(try await store.lease(environment: "production") == nil)
        let second = try await acquire(store, now: time.now, ttl: .seconds(1))
        #expect(second.token > first.token)
        // Expired: can be taken, with a larger token.
        try await time.advance(1.3)
        let third = try await acquire(store, now: time.now)
        #expect(third.token > second.token)
        // Releasing with an old token does nothing.
        try await store.releaseLock(environment: "production", token: second.token)
        #expect(try await store.lease(environment: "production")?.token == third.token)
    }

    @Test("a deployment's writes are rejected once its token is stale", arguments: StoreFactory.all)
    func fencing(factory: StoreFactory) async throws {
        let store = try await factory.make()
        var time = TestTime(factory)
        let old = try await acquire(store, now: time.now, ttl: .seconds(1))
        try await store.beginDeployment(record(1), token: old.token)
        try await time.advance(1.3)
        let new = try await acquire(store, now: time.now)
        #expect(new.token > old.token)
        await #expect(throws: StoreError.self) {
            try await store.append(JournalEvent(kind: .output, message: "late"), to: id(1), at: t0, token: old.token)
        }
        await #expect(throws: StoreError.self) {
            try await store.finishDeployment(id(1), outcome: .succeeded, reason: nil, at: t0, promote: true, token: old.token)
        }
        await #expect(throws: StoreError.self) {
            try await store.beginDeployment(record(2), token: old.token)
        }
        #expect(try await store.environmentState("production").current == nil)
        #expect(try await store.journal(id(1)).isEmpty)
    }

    @Test("a batch of journal events is appended in order after what is there, all or nothing: a stale token writes none of it", arguments: StoreFactory.all)
    func batchAppend(factory: StoreFactory) async throws {
        let store = try await factory.make()
        var time = TestTime(factory)
        let old = try await acquire(store, now: time.now, ttl: .seconds(1))
        try await store.beginDeployment(record(1), token: old.token)
        try await store.append(JournalEvent(kind: .note, message: "first"), to: id(1), at: t0, token: old.token)
        let batch = (1...50).map { JournalEvent(kind: .output, message: "line \($0)") }
        try await store.append(batch, to: id(1), at: t0, token: old.token)
        let journal = try await store.journal(id(1))
        #expect(journal.map(\.sequence) == Array(1...51))
        #expect(journal.map(\.event.message) == ["first"] + (1...50).map { "line \($0)" })
        try await time.advance(1.3)
        _ = try await acquire(store, now: time.now)
        await #expect(throws: StoreError.self) {
            try await store.append([JournalEvent(kind: .output, message: "late 1"), JournalEvent(kind: .output, message: "late 2")], to: id(1), at: t0, token: old.token)
        }
        #expect(try await store.journal(id(1)).count == 51)
        try await store.append([], to: id(1), at: t0, token: old.token)
    }

    @Test("finishing with promote makes the release current and last good, atomically", arguments: StoreFactory.all)
    func promote(factory: StoreFactory) async throws {
        let store = try await factory.make()
        let lease = try await acquire(store)
        try await store.beginDeployment(record(1, release: "2.0"), token: lease.token)
        try await store.finishDeployment(id(1), outcome: .succeeded, reason: "ok", at: t0.addingTimeInterval(9), promote: true, token: lease.token)
        let state = try await store.environmentState("production")
        #expect(state.current == "2.0")
        #expect(state.lastGood == "2.0")
        #expect(state.currentDeploymentID == id(1))
        let found = try #require(try await store.deployment(id(1)))
        #expect(found.outcome == .succeeded)
        #expect(found.reason == "ok")
        #expect(found.duration == .seconds(8))
        #expect(found.origin == origin)
        #expect(try await store.environmentStates().map(\.name) == ["production"])
    }

    @Test("a failed deployment does not touch current", arguments: StoreFactory.all)
    func failureKeepsCurrent(factory: StoreFactory) async throws {
        let store = try await factory.make()
        let lease = try await acquire(store)
        try await store.beginDeployment(record(1, release: "1.0"), token: lease.token)
        try await store.finishDeployment(id(1), outcome: .succeeded, reason: nil, at: t0, promote: true, token: lease.token)
        try await store.beginDeployment(record(2, release: "2.0"), token: lease.token)
        try await store.finishDeployment(id(2), outcome: .failed, reason: "exit 3", code: .rollbackFailed, at: t0, promote: false, token: lease.token)
        #expect(try await store.environmentState("production").current == "1.0")
        #expect(try await store.deployment(id(2))?.reasonCode == .rollbackFailed)
        #expect(try await store.deployment(id(1))?.reasonCode == nil)
    }

    @Test("the journal keeps events in order, with every field", arguments: StoreFactory.all)
    func journal(factory: StoreFactory) async throws {
        let store = try await factory.make()
        try await store.beginDeployment(record(1), token: nil)
        let events = [
            JournalEvent(kind: .deploymentStarted, release: "1.0"),
            JournalEvent(kind: .commandStarted, step: "deploy", attempt: 1, command: ["a", "b c"]),
            JournalEvent(kind: .output, step: "deploy", attempt: 1, message: "line 1\nline 2 ünïcode"),
            JournalEvent(kind: .commandFinished, step: "deploy", attempt: 1, message: "timed out", exitCode: nil, signal: 15, timedOut: true, durationMilliseconds: 1234),
            JournalEvent(kind: .deploymentFinished, message: "done", outcome: .failed),
        ]
        for (offset, event) in events.enumerated() {
            try await store.append(event, to: id(1), at: t0.addingTimeInterval(Double(offset)), token: nil)
        }
        let stored = try await store.journal(id(1))
        #expect(stored.map(\.event) == events)
        #expect(stored.map(\.sequence) == [1, 2, 3, 4, 5])
        #expect(stored.last?.at == t0.addingTimeInterval(4))
        await #expect(throws: StoreError.self) {
            try await store.append(JournalEvent(kind: .output), to: id(99), at: t0, token: nil)
        }
    }

    @Test("history is newest first, per environment, and limited", arguments: StoreFactory.all)
    func history(factory: StoreFactory) async throws {
        let store = try await factory.make()
        for n in 1...5 { try await store.beginDeployment(record(n, env: n % 2 == 0 ? "staging" : "production"), token: nil) }
        #expect(try await store.deployments(environment: "production", limit: 10).map(\.id) == [id(5), id(3), id(1)])
        #expect(try await store.deployments(environment: nil, limit: 2).map(\.id) == [id(5), id(4)])
    }

    @Test("the last effective deployment ignores skipped and refused ones", arguments: StoreFactory.all)
    func lastEffective(factory: StoreFactory) async throws {
        let store = try await factory.make()
        for (n, outcome) in [(1, Outcome.succeeded), (2, .failed), (3, .skipped), (4, .refused)] {
            try await store.beginDeployment(record(n), token: nil)
            try await store.finishDeployment(id(n), outcome: outcome, reason: nil, at: t0, promote: false, token: nil)
        }
        #expect(try await store.lastEffectiveDeployment(environment: "production", excluding: nil)?.id == id(2))
        #expect(try await store.lastEffectiveDeployment(environment: "production", excluding: id(2))?.id == id(1))
        #expect(try await store.lastEffectiveDeployment(environment: "staging", excluding: nil) == nil)
    }
}

@Suite("state store contract: queue, renewal, takeover")
struct StoreQueueContractTests {
    let origin = Origin(host: "ci-1", pid: 42)
    let t0 = Date(timeIntervalSince1970: 1_795_000_000)

    func id(_ n: Int) -> DeploymentID { DeploymentID(rawValue: "20261129-000000.000-\(String(format: "%06x", n))") }

    func waiter(_ n: Int, at date: Date) -> LockWaiter {
        LockWaiter(deploymentID: id(n), release: "r\(n)", owner: origin, enqueuedAt: date, heartbeatAt: date)
    }

    @Test("waiters are served in arrival order; dead waiters are skipped", arguments: StoreFactory.all)
    func arrivalOrder(factory: StoreFactory) async throws {
        let store = try await factory.make()
        var time = TestTime(factory)
        try await store.enqueue(waiter(1, at: time.now), environment: "p")
        try await time.advance(1)
        try await store.enqueue(waiter(2, at: time.now), environment: "p")
        let now = time.now
        func attempt(_ n: Int, liveSince: Date) async throws -> LockAttempt {
            try await store.tryAcquireLock(LockRequest(environment: "p", owner: origin, deploymentID: id(n), reason: nil, ttl: .seconds(60), now: now, waiter: id(n), waitersLiveSince: liveSince))
        }
        guard case .queuedBehind(let head) = try await attempt(2, liveSince: now.addingTimeInterval(-5)) else {
            Issue.record("the second waiter went first")
            return
        }
        #expect(head.deploymentID == id(1))
        #expect(try await store.waiters(environment: "p", liveSince: now.addingTimeInterval(-5)).map(\.deploymentID) == [id(1), id(2)])
        // The first waiter stopped heartbeating: it no longer blocks the second.
        guard case .acquired = try await attempt(2, liveSince: now.addingTimeInterval(-0.5)) else {
            Issue.record("a dead waiter blocked the queue")
            return
        }
        #expect(try await store.waiters(environment: "p", liveSince: now.addingTimeInterval(-60)).map(\.deploymentID) == [id(1)], "the waiter that took the lease left the queue")
        try await store.heartbeat(environment: "p", deploymentID: id(1), now: time.now)
        #expect(try await store.waiters(environment: "p", liveSince: time.now.addingTimeInterval(-0.5)).map(\.deploymentID) == [id(1)])
    }

    @Test("a lease turned into a hold by hand is never renewed: a renewal still in flight cannot give it an expiry", arguments: StoreFactory.all)
    func holdIsNotRenewed(factory: StoreFactory) async throws {
        let store = try await factory.make()
        guard case .acquired(let lease) = try await store.tryAcquireLock(
            environment: "p", owner: Origin(host: "ci-1", pid: 1), deploymentID: DeploymentID(rawValue: "20261201-000000.000-00hold"), reason: nil, ttl: .seconds(60), now: Date()
        ) else {
            Issue.record("not acquired")
            return
        }
        try await store.holdLock(environment: "p", token: lease.token, reason: "held after a rollback")
        #expect(try await store.renewLock(environment: "p", token: lease.token, ttl: .seconds(60), now: Date()) == nil)
        let held = try #require(try await store.lease(environment: "p"))
        #expect(held.expiresAt > Date().addingTimeInterval(365 * 24 * 3600), "the hold by hand got an expiry: \(held.expiresAt)")
        #expect(held.deploymentID == nil)
    }

    @Test("a hold by hand, taken by hand or turned from a deployment's lease, is one kind of lease: no deployment, the one expiry that never comes, refusing deployments", arguments: StoreFactory.all)
    func holdByHand(factory: StoreFactory) async throws {
        let store = try await factory.make()
        let byHand = try await store.holdByHand(environment: "p", owner: origin, reason: "database maintenance", now: Date())
        guard case .acquired(let lease) = byHand else {
            Issue.record("not acquired: \(byHand)")
            return
        }
        guard case .acquired(let turned) = try await store.tryAcquireLock(environment: "q", owner: origin, deploymentID: id(1), reason: nil, ttl: .seconds(60), now: Date()) else {
            Issue.record("not acquired")
            return
        }
        try await store.holdLock(environment: "q", token: turned.token, reason: "held after a rollback")
        for environment in ["p", "q"] {
            let held = try #require(try await store.lease(environment: environment))
            #expect(held.isHeldByHand && held.shownExpiry == nil)
            #expect(abs(held.expiresAt.timeIntervalSince(Lease.handHeldUntil)) < 1, "\(environment): \(held.expiresAt)")
            let attempt = try await store.tryAcquireLock(environment: environment, owner: origin, deploymentID: id(2), reason: nil, ttl: .seconds(60), now: Date())
            #expect(attempt == .held(held))
        }
        #expect(lease.reason == "database maintenance")
        guard case .held(let again) = try await store.holdByHand(environment: "p", owner: origin, reason: "again", now: Date()) else {
            Issue.record("a second hold by hand was not refused")
            return
        }
        #expect(again.token == lease.token)
    }

    @Test("a hold by hand is refused while a deployment waits its turn, and taken once the queue is empty", arguments: StoreFactory.all)
    func holdByHandBehindWaiter(factory: StoreFactory) async throws {
        let store = try await factory.make()
        let now = Date()
        try await store.enqueue(LockWaiter(deploymentID: id(7), release: "r7", owner: origin, enqueuedAt: now, heartbeatAt: now), environment: "p")
        let refused = try await store.holdByHand(environment: "p", owner: origin, reason: "maintenance", now: Date())
        guard case .queuedBehind(let waiter) = refused else {
            Issue.record("a hold by hand went ahead of a waiting deployment: \(refused)")
            return
        }
        #expect(waiter.deploymentID == id(7))
        #expect(try await store.lease(environment: "p") == nil)
        try await store.dequeue(environment: "p", deploymentID: id(7))
        guard case .acquired = try await store.holdByHand(environment: "p", owner: origin, reason: "maintenance", now: Date()) else {
            Issue.record("no hold by hand once the queue was empty")
            return
        }
    }

    @Test("a held lease is renewed by its holder only, and broken only with its exact token", arguments: StoreFactory.all)
    func renewAndBreak(factory: StoreFactory) async throws {
        let store = try await factory.make()
        var time = TestTime(factory)
        guard case .acquired(let lease) = try await store.tryAcquireLock(environment: "p", owner: origin, deploymentID: id(1), reason: nil, ttl: .seconds(10), now: time.now) else {
            Issue.record("not acquired")
            return
        }
        try await time.advance(0.2)
        let renewed = try await store.renewLock(environment: "p", token: lease.token, ttl: .seconds(60), now: time.now)
        let expected = time.now.addingTimeInterval(60)
        #expect(abs((renewed?.expiresAt ?? .distantPast).timeIntervalSince(expected)) < 2, "renewed until \(String(describing: renewed?.expiresAt)), expected about \(expected)")
        #expect(try await store.renewLock(environment: "p", token: FencingToken(lease.token.value + 7), ttl: .seconds(60), now: t0) == nil)
        var breaking = LockRequest(environment: "p", owner: origin, deploymentID: id(2), reason: nil, ttl: .seconds(60), now: t0.addingTimeInterval(6))
        breaking.breaking = FencingToken(lease.token.value + 1)
        guard case .held = try await store.tryAcquireLock(breaking) else {
            Issue.record("a wrong token broke the lease")
            return
        }
        breaking.breaking = lease.token
        guard case .acquired(let taken) = try await store.tryAcquireLock(breaking) else {
            Issue.record("the exact token did not break the lease")
            return
        }
        #expect(taken.token > lease.token)
        #expect(try await store.renewLock(environment: "p", token: lease.token, ttl: .seconds(60), now: t0) == nil)
    }

    @Test("an expired lease is not renewed, though nobody has taken it: it stays expired", arguments: StoreFactory.all)
    func expiredNotRenewed(factory: StoreFactory) async throws {
        let store = try await factory.make()
        var time = TestTime(factory)
        guard case .acquired(let lease) = try await store.tryAcquireLock(environment: "p", owner: origin, deploymentID: id(1), reason: nil, ttl: .seconds(1), now: time.now) else {
            Issue.record("not acquired")
            return
        }
        try await time.advance(1.5)
        #expect(try await store.renewLock(environment: "p", token: lease.token, ttl: .seconds(60), now: time.now) == nil)
        let after = try #require(try await store.lease(environment: "p"))
        #expect(after.expiresAt < time.now.addingTimeInterval(1), "the expired lease was extended to \(after.expiresAt)")
        guard case .acquired(let next) = try await store.tryAcquireLock(environment: "p", owner: origin, deploymentID: id(2), reason: nil, ttl: .seconds(60), now: time.now) else {
            Issue.record("the expired lease was not free")
            return
        }
        #expect(next.token > lease.token)
    }

    @Test("deployments without an outcome are listed as unfinished", arguments: StoreFactory.all)
    func unfinished(factory: StoreFactory) async throws {
        let store = try await factory.make()
        for n in 1...3 {
            try await store.beginDeployment(DeploymentRecord(id: id(n), environment: "p", release: "r", startedAt: t0, origin: origin), token: nil)
        }
        try await store.finishDeployment(id(2), outcome: .succeeded, reason: nil, at: t0, promote: false, token: nil)
        #expect(try await store.unfinishedDeployments(environment: "p", excluding: id(3)).map(\.id) == [id(1)])
    }
}

@Suite("state store contract: observations and failovers")
struct StoreObservationContractTests {
    let t0 = Date(timeIntervalSince1970: 1_795_000_000)

    @Test("the newest observation per runner or check wins; an older one never replaces it", arguments: StoreFactory.all)
    func latestWins(factory: StoreFactory) async throws {
        let store = try await factory.make()
        let runner = Observation(subject: .runner, name: "primary", healthy: true, durationMilliseconds: 12, message: "http: HTTP 200", at: t0)
        let check = Observation(subject: .check, environment: "production", name: "web", healthy: false, durationMilliseconds: 340, message: "HTTP 503", at: t0)
        try await store.record([runner, check])
        #expect(try await store.observations() == [check, runner])
        var later = runner
        later.healthy = false
        later.message = "http: connection refused"
        later.at = t0.addingTimeInterval(5)
        try await store.record([later])
        var stale = runner
        stale.at = t0.addingTimeInterval(1)
        try await store.record([stale])
        #expect(try await store.observations() == [check, later])
        var otherEnvironment = check
        otherEnvironment.environment = "staging"
        try await store.record([otherEnvironment])
        #expect(try await store.observations().count == 3)
    }

    @Test("failovers are counted per environment and pair of runners, and listed newest first", arguments: StoreFactory.all)
    func failovers(factory: StoreFactory) async throws {
        let store = try await factory.make()
        #expect(try await store.failoverCounts().isEmpty)
        for (n, (environment, from, to)) in [("production", "primary", "secondary"), ("production", "primary", "secondary"), ("staging", "primary", "tertiary")].enumerated() {
            try await store.recordFailover(RunnerFailover(environment: environment, from: from, to: to, reason: "http: refused", at: t0.addingTimeInterval(Double(n))))
        }
        #expect(try await store.failoverCounts() == [
            FailoverCount(environment: "production", from: "primary", to: "secondary", count: 2),
            FailoverCount(environment: "staging", from: "primary", to: "tertiary", count: 1),
        ])
        let newest = try await store.failovers(limit: 2)
        #expect(newest.map(\.environment) == ["staging", "production"])
        #expect(newest.first == RunnerFailover(environment: "staging", from: "primary", to: "tertiary", reason: "http: refused", at: t0.addingTimeInterval(2)))
    }

    func approval(_ environment: String, _ release: String, _ n: Int) -> Approval {
        Approval(
            environment: environment, release: release, statement: "gantry approval\nenvironment \(environment)\nrelease \(release)\n",
            signature: "-----BEGIN SSH SIGNATURE-----\nU1NIU0lH\(n)\n-----END SSH SIGNATURE-----\n", recordedAt: t0.addingTimeInterval(Double(n))
        )
    }

    @Test("approvals are kept once per signature and listed newest first, by environment and release", arguments: StoreFactory.all)
    func approvals(factory: StoreFactory) async throws {
        let store = try await factory.make()
        #expect(try await store.approvals(environment: "production", release: nil, limit: 10).isEmpty)
        let first = approval("production", "1.0", 0)
        let second = approval("production", "2.0", 1)
        let staging = approval("staging", "2.0", 2)
        for added in [first, second, staging] { try await store.addApproval(added) }
        // The same signature again, received later: left alone, not listed twice or moved up.
        var duplicate = first
        duplicate.recordedAt = t0.addingTimeInterval(3)
        try await store.addApproval(duplicate)

        #expect(try await store.approvals(environment: "production", release: nil, limit: 10) == [second, first])
        #expect(try await store.approvals(environment: "production", release: "1.0", limit: 10) == [first])
        #expect(try await store.approvals(environment: "production", release: "2.0", limit: 10) == [second])
        #expect(try await store.approvals(environment: "production", release: "3.0", limit: 10).isEmpty)
        #expect(try await store.approvals(environment: "production", release: nil, limit: 1) == [second])
        #expect(try await store.approvals(environment: "staging", release: nil, limit: 10) == [staging])
        #expect(try await store.approvals(environment: "staging", release: "1.0", limit: 10).isEmpty)

        // Received at the same moment: the one added later comes first.
        let tied = approval("qa", "1.0", 4)
        var later = approval("qa", "1.0", 5)
        later.recordedAt = tied.recordedAt
        try await store.addApproval(tied)
        try await store.addApproval(later)
        #expect(try await store.approvals(environment: "qa", release: "1.0", limit: 10) == [later, tied])
    }
}

/// Long histories: totals kept as outcomes are recorded, history pages, pruning that never
/// lowers a counter, and bulk import.
@Suite("state store contract: long histories")
struct HistoryContractTests {
    let origin = Origin(host: "ci-1", pid: 42)
    let t0 = Date(timeIntervalSince1970: 1_795_000_000)

    func id(_ n: Int) -> DeploymentID { DeploymentID(rawValue: "20261129-000000.000-\(String(format: "%06x", n))") }

    func record(_ n: Int, env: String = "production", kind: DeploymentRecord.Kind = .deploy) -> DeploymentRecord {
        DeploymentRecord(id: id(n), environment: env, release: "r\(n)", kind: kind, startedAt: t0.addingTimeInterval(Double(n) * 100), origin: origin)
    }

    /// Begins and finishes deployment `n`, taking `seconds`.
    func finish(_ store: any StateStore, _ n: Int, _ outcome: Outcome, seconds: Double, env: String = "production", kind: DeploymentRecord.Kind = .deploy, code: ReasonCode? = nil) async throws {
        let record = record(n, env: env, kind: kind)
        try await store.beginDeployment(record, token: nil)
        try await store.finishDeployment(record.id, outcome: outcome, reason: nil, code: code, at: record.startedAt.addingTimeInterval(seconds), promote: outcome == .succeeded, token: nil)
    }

    @Test("totals count each outcome once, with durations in buckets; a second finish does not count again", arguments: StoreFactory.all)
    func totals(factory: StoreFactory) async throws {
        let store = try await factory.make()
        #expect(try await store.totals() == HistoryTotals())
        try await finish(store, 1, .succeeded, seconds: 42)
        try await finish(store, 2, .succeeded, seconds: 70)
        try await finish(store, 3, .rolledBack, seconds: 3, code: .checkFailed)
        try await finish(store, 4, .succeeded, seconds: 9, env: "staging")
        try await finish(store, 5, .failed, seconds: 1, kind: .rollback, code: .rollbackFailed)
        try await store.finishDeployment(id(3), outcome: .failed, reason: nil, code: .commandFailed, at: t0.addingTimeInterval(400), promote: false, token: nil)
        let totals = try await store.totals()
        let succeeded = try #require(totals.outcomes(environment: "production", kind: .deploy, outcome: .succeeded))
        #expect(succeeded.count == 2 && succeeded.durationSum == .seconds(112))
        #expect(succeeded.lastFinishedAt == t0.addingTimeInterval(270))
        #expect(succeeded.buckets[HistoryTotals.bucket(of: .seconds(42))] == 1 && succeeded.buckets[HistoryTotals.bucket(of: .seconds(70))] == 1)
        #expect(succeeded.buckets.reduce(0, +) == 2)
        #expect(totals.outcomes(environment: "production", kind: .deploy, outcome: .rolledBack)?.count == 1, "counted at its first outcome only")
        #expect(totals.outcomes(environment: "production", kind: .deploy, outcome: .failed) == nil)
        #expect(totals.outcomes(environment: "production", kind: .rollback, outcome: .failed)?.count == 1)
        #expect(totals.outcomes(environment: "staging", kind: .deploy, outcome: .succeeded)?.count == 1)
        #expect(totals.failures(environment: "production", code: .checkFailed) == 1)
        #expect(totals.failures(environment: "production", code: .commandFailed) == 0)
        #expect(totals.failures(environment: "production", code: .rollbackFailed) == 1)
    }

    @Test("history pages newest first with a cursor", arguments: StoreFactory.all)
    func paging(factory: StoreFactory) async throws {
        let store = try await factory.make()
        for n in 1...7 { try await finish(store, n, .succeeded, seconds: 1) }
        try await finish(store, 8, .succeeded, seconds: 1, env: "staging")
        let first = try await store.deployments(environment: "production", limit: 3, before: nil)
        #expect(first.map(\.id) == [id(7), id(6), id(5)])
        let second = try await store.deployments(environment: "production", limit: 3, before: first.last?.id)
        #expect(second.map(\.id) == [id(4), id(3), id(2)])
        let third = try await store.deployments(environment: "production", limit: 3, before: second.last?.id)
        #expect(third.map(\.id) == [id(1)])
        #expect(try await store.deployments(environment: nil, limit: 2, before: id(8)).map(\.id) == [id(7), id(6)])
    }

    @Test("prune deletes old finished deployments and their journals, keeps what recovery and rollback need, and never lowers a total", arguments: StoreFactory.all)
    func prune(factory: StoreFactory) async throws {
        let store = try await factory.make()
        for n in 1...5 { try await finish(store, n, .succeeded, seconds: 2) }
        try await finish(store, 6, .failed, seconds: 2, code: .commandFailed)
        try await store.append(JournalEvent(kind: .note, message: "old"), to: id(2), at: t0.addingTimeInterval(201), token: nil)
        try await finish(store, 7, .skipped, seconds: 0)
        try await store.beginDeployment(record(8, env: "staging"), token: nil)
        let before = try await store.totals()
        // Everything finished before deployment 9's start would be old enough.
        let deleted = try await store.prune(finishedBefore: t0.addingTimeInterval(10_000))
        let left = try await store.deployments(environment: nil, limit: 100, before: nil).map(\.id)
        // 5 is current (the last success), 6 the newest that ran, 7 the newest, 8 unfinished.
        #expect(Set(left) == [id(5), id(6), id(7), id(8)], "\(left)")
        #expect(deleted == 4)
        #expect(try await store.journal(id(2)).isEmpty)
        #expect(try await store.deployment(id(2)) == nil)
        #expect(try await store.totals() == before, "pruning never lowers a counter")
        #expect(try await store.environmentState("production").current == "r5")
        #expect(try await store.prune(finishedBefore: t0.addingTimeInterval(10_000)) == 0)
    }

    @Test("an export of a pruned store carries its totals, and importing it keeps every counter", arguments: StoreFactory.all)
    func movingAPrunedStore(factory: StoreFactory) async throws {
        let source = try await factory.make()
        for n in 1...4 { try await finish(source, n, .succeeded, seconds: 20) }
        try await finish(source, 5, .failed, seconds: 3, code: .commandFailed)
        try await finish(source, 6, .succeeded, seconds: 4000)
        #expect(try await source.prune(finishedBefore: t0.addingTimeInterval(10_000)) == 5)
        let export = try await StateExport.read(from: source, at: t0)
        #expect(export.deployments.count == 1)
        let target = try await factory.make()
        try await export.write(to: target)
        #expect(try await target.totals() == source.totals(), "moving a pruned store lowers no counter")
        #expect(try await target.totals().outcomes(environment: "production", kind: .deploy, outcome: .succeeded)?.count == 5)
        #expect(try await target.totals().failures(environment: "production", code: .commandFailed) == 1)
    }

    @Test("an import writes deployments and journals as they were, adds the finished ones to the totals and promotes the current one", arguments: StoreFactory.all)
    func importing(factory: StoreFactory) async throws {
        let store = try await factory.make()
        var deployments: [StateExport.Deployment] = []
        for n in 1...3 {
            var record = record(n)
            record.outcome = n == 2 ? .failed : .succeeded
            record.reasonCode = n == 2 ? .commandFailed : nil
            record.finishedAt = record.startedAt.addingTimeInterval(30)
            deployments.append(StateExport.Deployment(record: record, journal: [JournalEntry(sequence: 1, at: record.startedAt, event: JournalEvent(kind: .note, message: "imported \(n)"))]))
        }
        deployments.append(StateExport.Deployment(record: record(4), journal: []))
        try await store.importDeployments(deployments, current: [id(3)])
        #expect(try await store.deployments(environment: "production", limit: 10, before: nil).map(\.id) == [id(4), id(3), id(2), id(1)])
        #expect(try await store.deployment(id(2))?.reasonCode == .commandFailed)
        #expect(try await store.journal(id(1)).map(\.event) == [JournalEvent(kind: .note, message: "imported 1")])
        #expect(try await store.unfinishedDeployments(environment: "production", excluding: nil).map(\.id) == [id(4)])
        let totals = try await store.totals()
        #expect(totals.outcomes(environment: "production", kind: .deploy, outcome: .succeeded)?.count == 2)
        #expect(totals.outcomes(environment: "production", kind: .deploy, outcome: .succeeded)?.durationSum == .seconds(60))
        #expect(totals.failures(environment: "production", code: .commandFailed) == 1)
        let state = try await store.environmentState("production")
        #expect(state.current == "r3" && state.lastGood == "r3" && state.currentDeploymentID == id(3))
    }

    @Test("a break glass is kept on its record and counted once it finishes; pruning never lowers the count; an import carries it", arguments: StoreFactory.all)
    func breakGlass(factory: StoreFactory) async throws {
        let glass = "promotion gate skipped by alice: hotfix"
        let store = try await factory.make()
        var broke = record(1)
        broke.breakGlass = glass
        try await store.beginDeployment(broke, token: nil)
        #expect(try await store.deployment(id(1))?.breakGlass == glass)
        #expect(try await store.totals().breakGlass.isEmpty, "counted when it finishes, not when it starts")
        try await store.finishDeployment(id(1), outcome: .succeeded, reason: nil, code: nil, at: broke.startedAt.addingTimeInterval(30), promote: true, token: nil)
        let counted = [HistoryTotals.BreakGlass(environment: "production", count: 1)]
        #expect(try await store.totals().breakGlass == counted)
        #expect(try await store.deployment(id(1))?.breakGlass == glass, "finishing keeps it")
        try await store.finishDeployment(id(1), outcome: .failed, reason: nil, code: .commandFailed, at: broke.startedAt.addingTimeInterval(40), promote: false, token: nil)
        #expect(try await store.totals().breakGlass == counted, "counted at its first outcome only")
        try await finish(store, 2, .succeeded, seconds: 5)
        try await finish(store, 3, .succeeded, seconds: 5, env: "staging")
        #expect(try await store.deployment(id(2))?.breakGlass == nil)
        #expect(try await store.totals().breakGlass == counted, "a deploy that did not break the glass adds nothing")
        #expect(try await store.prune(finishedBefore: t0.addingTimeInterval(10_000)) == 1)
        #expect(try await store.deployment(id(1)) == nil)
        #expect(try await store.totals().breakGlass == counted, "pruning never lowers the count")

        // Moving the pruned store: its export's totals carry the count its deployments lost.
        let moved = try await factory.make()
        try await StateExport.read(from: store, at: t0).write(to: moved)
        #expect(try await moved.totals() == store.totals())
        #expect(try await moved.totals().breakGlass(environment: "production") == 1)

        // An import counts the finished deployments that broke the glass, not the unfinished.
        let imported = try await factory.make()
        var deployments: [StateExport.Deployment] = []
        for n in 1...3 {
            var record = record(n, env: "qa")
            record.outcome = .succeeded
            record.finishedAt = record.startedAt.addingTimeInterval(30)
            record.breakGlass = n == 2 ? glass : nil
            deployments.append(StateExport.Deployment(record: record, journal: []))
        }
        var running = record(4, env: "qa")
        running.breakGlass = glass
        deployments.append(StateExport.Deployment(record: running, journal: []))
        try await imported.importDeployments(deployments, current: [id(3)])
        #expect(try await imported.deployment(id(2))?.breakGlass == glass)
        #expect(try await imported.deployment(id(4))?.breakGlass == glass)
        #expect(try await imported.deployment(id(1))?.breakGlass == nil)
        #expect(try await imported.totals().breakGlass == [HistoryTotals.BreakGlass(environment: "qa", count: 1)])
        #expect(try await imported.totals() == HistoryTotals(records: deployments.map(\.record.imported)), "the SQL counts as the core does")
    }
}

@Suite("sqlite store")
struct SQLiteStoreTests {
    func temporaryPath() -> String {
        FileManager.default.temporaryDirectory.appendingPathComponent("gantry-sqlite-\(UUID().uuidString)/state.db").path
    }

    @Test("a missing file is not created by read-only opens")
    func readOnlyOpen() throws {
        let path = temporaryPath()
        #expect(try SQLiteStateStore.open(path: path, create: false) == nil)
        #expect(!FileManager.default.fileExists(atPath: path))
    }

    @Test("a reader that finds the file while a first deploy creates it waits for the schema instead of failing")
    func readerDuringCreation() async throws {
        for _ in 0..<20 {
            let path = temporaryPath()
            let writer = Thread { _ = try? SQLiteStateStore.open(path: path, create: true) }
            writer.start()
            while !FileManager.default.fileExists(atPath: path) { usleep(50) }
            let reader = try #require(try SQLiteStateStore.open(path: path, create: false))
            #expect(try await reader.environmentStates().isEmpty)
        }
    }

    @Test("the database uses WAL and synchronous commits")
    func walAndSync() throws {
        let path = temporaryPath()
        _ = try SQLiteStateStore.open(path: path, create: true)
        let data = try #require(FileManager.default.contents(atPath: path))
        // Bytes 18 and 19 of the header are 2 in WAL mode.
        #expect(data[18] == 2 && data[19] == 2)
    }

    @Test("a file that is not a database is reported as corrupt")
    func corrupt() throws {
        let path = temporaryPath()
        try FileManager.default.createDirectory(atPath: (path as NSString).deletingLastPathComponent, withIntermediateDirectories: true)
        try Data(String(repeating: "not a database ", count: 100).utf8).write(to: URL(fileURLWithPath: path))
        #expect {
            _ = try SQLiteStateStore.open(path: path, create: true)
        } throws: { error in
            (error as? StoreError)?.code == .corrupt
        }
    }

    @Test("a database from a newer gantry is refused")
    func tooNew() throws {
        let path = temporaryPath()
        _ = try SQLiteStateStore.open(path: path, create: true)
        try SQLiteTestSupport.execute("INSERT INTO grdb_migrations (identifier) VALUES ('999-from-the-future')", path: path)
        #expect {
            _ = try SQLiteStateStore.open(path: path, create: true)
        } throws: { error in
            (error as? StoreError)?.code == .tooNew
        }
    }

    @Test("reopening keeps the data")
    func persistence() async throws {
        let path = temporaryPath()
        let store = try #require(try SQLiteStateStore.open(path: path, create: true))
        let t0 = Date(timeIntervalSince1970: 1_795_000_000)
        let record = DeploymentRecord(id: DeploymentID(rawValue: "20261129-000000.000-000001"), environment: "p", release: "1", startedAt: t0, origin: Origin(host: "h", pid: 1))
        try await store.beginDeployment(record, token: nil)
        try await store.finishDeployment(record.id, outcome: .succeeded, reason: nil, at: t0, promote: true, token: nil)
        let reopened = try #require(try SQLiteStateStore.open(path: path, create: false))
        #expect(try await reopened.environmentState("p").current == "1")
    }
}
