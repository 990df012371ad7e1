import Foundation
import GantryCore
@testable import GantryStore
import Logging
import PostgresNIO
import Testing

/// What only the shared store must do: judge leases by the database's clock, share one truth
/// between runners, and migrate safely when runners start together.
@Suite("postgres store", .enabled(if: ProcessInfo.processInfo.environment["GANTRY_TEST_STATE_POSTGRES_URL"] != nil || ProcessInfo.processInfo.environment["CI"] == "true"))
struct PostgresStoreTests {
    let alice = Origin(host: "runner-a", pid: 1, runner: "primary")
    let bob = Origin(host: "runner-b", pid: 2, runner: "secondary")

    @Test("the store tells its own time, and stamps each outcome with it beside the runner's: a runner an hour behind cannot shorten a soak")
    func storeClock() async throws {
        let url = try await PostgresTestDatabase.createURL()
        let store = try PostgresStateStore(url: url)
        let told = try #require(try await store.now())
        #expect(abs(told.timeIntervalSinceNow) < 5)
        let id = DeploymentID(rawValue: "20261129-000000.000-0000c1")
        let behind = Date().addingTimeInterval(-3600)
        try await store.beginDeployment(DeploymentRecord(id: id, environment: "staging", release: "2.4.1", startedAt: behind, origin: alice), token: nil)
        try await store.finishDeployment(id, outcome: .succeeded, reason: nil, at: behind.addingTimeInterval(30), promote: true, token: nil)
        let record = try #require(try await store.deployment(id))
        #expect(record.finishedAt == behind.addingTimeInterval(30).millisecondPrecision)
        let stamped = try #require(record.storeFinishedAt)
        #expect(abs(stamped.timeIntervalSinceNow) < 5, "\(stamped)")
        let gate = PromotionGate.judge(release: "2.4.1", config: PromotionConfig(environment: "staging", soak: .seconds(1800)), source: [record], now: told)
        guard case .soaking = gate else {
            Issue.record("the soak counted from the runner's clock: \(gate)")
            return
        }
    }

    @Test("a runner whose clock runs an hour ahead cannot take a live lease")
    func clockAhead() async throws {
        let url = try await PostgresTestDatabase.createURL()
        let a = try PostgresStateStore(url: url)
        let b = try PostgresStateStore(url: url)
        guard case .acquired(let lease) = try await a.tryAcquireLock(environment: "production", owner: alice, deploymentID: nil, reason: nil, ttl: .seconds(60), now: Date()) else {
            Issue.record("not acquired")
            return
        }
        let skewed = Date().addingTimeInterval(3600)
        guard case .held(let holder) = try await b.tryAcquireLock(environment: "production", owner: bob, deploymentID: nil, reason: nil, ttl: .seconds(60), now: skewed) else {
            Issue.record("a runner with a fast clock took a live lease")
            return
        }
        #expect(holder.token == lease.token)
        #expect(holder.owner == alice)
    }

    @Test("a holder whose clock runs an hour behind cannot keep an expired lease; another runner takes it")
    func clockBehind() async throws {
        let url = try await PostgresTestDatabase.createURL()
        let a = try PostgresStateStore(url: url)
        let b = try PostgresStateStore(url: url)
        let behind = Date().addingTimeInterval(-3600)
        guard case .acquired(let lease) = try await a.tryAcquireLock(environment: "production", owner: alice, deploymentID: nil, reason: nil, ttl: .seconds(1), now: behind) else {
            Issue.record("not acquired")
            return
        }
        #expect(abs(lease.expiresAt.timeIntervalSinceNow - 1) < 2, "the lease runs on the database's clock, not the caller's")
        try await Task.sleep(for: .milliseconds(1300))
        #expect(try await a.renewLock(environment: "production", token: lease.token, ttl: .seconds(60), now: behind) == nil)
        guard case .acquired(let taken) = try await b.tryAcquireLock(environment: "production", owner: bob, deploymentID: nil, reason: nil, ttl: .seconds(60), now: behind) else {
            Issue.record("an expired lease was not free")
            return
        }
        #expect(taken.token > lease.token)
        await #expect(throws: StoreError.self) {
            try await a.beginDeployment(DeploymentRecord(id: DeploymentID(rawValue: "20261129-000000.000-00000a"), environment: "production", release: "1", startedAt: Date(), origin: alice), token: lease.token)
        }
    }

    @Test("a holder frozen inside a transaction on the lease row: its session ends after 10 s, the successor takes over, the frozen one's token is refused")
    func frozenInsideTransaction() async throws {
        let url = try await PostgresTestDatabase.createURL()
        let a = try PostgresStateStore(url: url)
        let b = try PostgresStateStore(url: url)
        guard case .acquired(let lease) = try await a.tryAcquireLock(environment: "production", owner: alice, deploymentID: nil, reason: nil, ttl: .seconds(1), now: Date()) else {
            Issue.record("not acquired")
            return
        }
        // gantry's own sessions carry the timeouts.
        let settings = try await a.client.withConnection { connection in
            var found: [String] = []
            for try await value in try await connection.query("SELECT current_setting('statement_timeout') || ' ' || current_setting('idle_in_transaction_session_timeout')", logger: Logger(label: "test")).decode(String.self) {
                found.append(value)
            }
            return found
        }
        #expect(settings == ["10s 10s"])
        // A's session takes the lease row's lock inside a transaction and then freezes (does
        // nothing more) for longer than the server allows.
        let frozen = Task {
            try? await a.client.withConnection { connection in
                _ = try await connection.query("BEGIN", logger: Logger(label: "test"))
                _ = try await connection.query("SELECT * FROM gantry_locks WHERE environment = 'production' FOR UPDATE", logger: Logger(label: "test"))
                try await Task.sleep(for: .seconds(30))
            }
        }
        defer { frozen.cancel() }
        try await Task.sleep(for: .milliseconds(1500))
        let start = Date()
        var taken: Lease?
        while taken == nil, Date().timeIntervalSince(start) < 25 {
            if case .acquired(let got) = try? await b.tryAcquireLock(environment: "production", owner: bob, deploymentID: nil, reason: nil, ttl: .seconds(60), now: Date()) {
                taken = got
            }
        }
        let waited = Date().timeIntervalSince(start)
        let successor = try #require(taken, "the successor never took the lease")
        #expect(waited < 12, "took \(waited) s: the frozen session held the row past the 10 s bound")
        #expect(successor.token > lease.token)
        #expect(try await a.renewLock(environment: "production", token: lease.token, ttl: .seconds(60), now: Date()) == nil)
        await #expect(throws: StoreError.self) {
            try await a.beginDeployment(DeploymentRecord(id: DeploymentID(rawValue: "20261129-000000.000-00000b"), environment: "production", release: "1", startedAt: Date(), origin: alice), token: lease.token)
        }
    }

    @Test("two runners sharing the database see one current release and one history")
    func shared() async throws {
        let url = try await PostgresTestDatabase.createURL()
        let a = try PostgresStateStore(url: url)
        let b = try PostgresStateStore(url: url)
        guard case .acquired(let lease) = try await a.tryAcquireLock(environment: "production", owner: alice, deploymentID: nil, reason: nil, ttl: .seconds(60), now: Date()) else {
            Issue.record("not acquired")
            return
        }
        let id = DeploymentID(rawValue: "20261129-000000.000-0000aa")
        try await a.beginDeployment(DeploymentRecord(id: id, environment: "production", release: "2.0", startedAt: Date(), origin: alice), token: lease.token)
        try await a.finishDeployment(id, outcome: .succeeded, reason: nil, at: Date(), promote: true, token: lease.token)
        #expect(try await b.environmentState("production").current == "2.0")
        #expect(try await b.deployments(environment: "production", limit: 5).map(\.id) == [id])
    }

    @Test("runners opening a new database at once migrate it once; a newer schema is refused; migration can be forbidden")
    func migrations() async throws {
        let url = try await PostgresTestDatabase.createURL()
        let stores = try (0..<5).map { _ in try PostgresStateStore(url: url) }
        try await withThrowingTaskGroup(of: Void.self) { group in
            for store in stores { group.addTask { _ = try await store.environmentStates() } }
            try await group.waitForAll()
        }
        let (connection, logger) = try await PostgresTestDatabase.connect(url)
        var versions: [Int] = []
        for try await version in try await connection.query("SELECT version FROM gantry_schema ORDER BY version", logger: logger).decode(Int.self) {
            versions.append(version)
        }
        #expect(versions == Array(1...6), "each migration is applied exactly once")
        try await connection.query("INSERT INTO gantry_schema (version) VALUES (999)", logger: logger)
        try await connection.close()
        let error = await #expect(throws: StoreError.self) { _ = try await PostgresStateStore(url: url).environmentStates() }
        #expect(error?.code == .tooNew)

        let fresh = try await PostgresTestDatabase.createURL()
        let forbidden = await #expect(throws: StoreError.self) { _ = try await PostgresStateStore(url: fresh, migrate: false).environmentStates() }
        #expect(forbidden?.hint?.contains("gantry migrate") == true)
        let migrated = try await PostgresStateStore(url: fresh).migrate()
        #expect(migrated.from == 0 && migrated.to == 6)
        #expect(try await PostgresStateStore(url: fresh, migrate: false).environmentStates().isEmpty)
    }

    @Test("a store opened only to read never creates or migrates the shared schema; an empty database reads as no store")
    func readersDoNotMigrate() async throws {
        let url = try await PostgresTestDatabase.createURL()
        let text = "postgres://\(url.user):\(url.password ?? "")@\(url.host):\(url.port)/\(url.database ?? "")?sslmode=disable"
        let location = StoreLocation.postgres(url: text)
        #expect(try await location.open(create: false, environment: [:]) == nil, "a database without a gantry schema is a store nothing has deployed to")
        #expect(try await Self.schemaTableExists(url) == false, "a reader created the schema table")

        let writer = try #require(try await location.open(create: true, environment: [:]))
        #expect(try await writer.environmentStates().isEmpty)
        #expect(try await location.open(create: false, environment: [:])?.environmentStates().isEmpty == true, "a reader reads a current schema")

        // This binary is newer than the database: a reader refuses and leaves the schema as it is.
        try await Self.execute(url, "DELETE FROM gantry_schema WHERE version = (SELECT MAX(version) FROM gantry_schema)")
        let behind = try await Self.schemaVersions(url)
        let reader = try #require(try await location.open(create: false, environment: [:]))
        let refused = await #expect(throws: StoreError.self) { _ = try await reader.environmentStates() }
        #expect(refused?.hint?.contains("gantry migrate") == true && refused?.hint?.contains("only read") == true)
        #expect(try await Self.schemaVersions(url) == behind, "a reader migrated the schema")
    }

    static func execute(_ url: PostgresURL, _ sql: String) async throws {
        let (connection, logger) = try await PostgresTestDatabase.connect(url)
        try await connection.query(PostgresQuery(unsafeSQL: sql), logger: logger)
        try await connection.close()
    }

    static func schemaVersions(_ url: PostgresURL) async throws -> [Int] {
        let (connection, logger) = try await PostgresTestDatabase.connect(url)
        var versions: [Int] = []
        for try await version in try await connection.query("SELECT version FROM gantry_schema ORDER BY version", logger: logger).decode(Int.self) {
            versions.append(version)
        }
        try await connection.close()
        return versions
    }

    static func schemaTableExists(_ url: PostgresURL) async throws -> Bool {
        let (connection, logger) = try await PostgresTestDatabase.connect(url)
        var exists = false
        for try await found in try await connection.query("SELECT to_regclass('gantry_schema') IS NOT NULL", logger: logger).decode(Bool.self) {
            exists = found
        }
        try await connection.close()
        return exists
    }

    @Test("releasing a lease wakes the waiter next in line at once; a waiter further back sleeps on")
    func releaseWakesHead() async throws {
        let url = try await PostgresTestDatabase.createURL()
        let holder = try PostgresStateStore(url: url)
        let waiting = try PostgresStateStore(url: url)
        let first = DeploymentID(rawValue: "20261129-000000.000-0000b1")
        let second = DeploymentID(rawValue: "20261129-000000.000-0000b2")
        guard case .acquired(let lease) = try await holder.tryAcquireLock(environment: "production", owner: alice, deploymentID: nil, reason: nil, ttl: .seconds(60), now: Date()) else {
            Issue.record("not acquired")
            return
        }
        try await waiting.enqueue(LockWaiter(deploymentID: first, release: "1", owner: bob, enqueuedAt: Date(), heartbeatAt: Date()), environment: "production")
        try await waiting.enqueue(LockWaiter(deploymentID: second, release: "2", owner: bob, enqueuedAt: Date(), heartbeatAt: Date()), environment: "production")
        // The first wait opens the listening connection; wait until the server has it.
        try await waiting.awaitLockRelease(environment: "production", waiter: first, timeout: .milliseconds(1), clock: SystemClock())
        try await Self.untilListening(url: url)

        let clock = ContinuousClock()
        let started = clock.now
        let behind = Task { try await waiting.awaitLockRelease(environment: "production", waiter: second, timeout: .seconds(60), clock: SystemClock()) }
        let head = Task { try await waiting.awaitLockRelease(environment: "production", waiter: first, timeout: .seconds(60), clock: SystemClock()) }
        for _ in 0..<1500 where waiting.parkedLockWaiters < 2 { try await Task.sleep(for: .milliseconds(20)) }
        #expect(waiting.parkedLockWaiters == 2, "both waiters are parked before the release")
        try await holder.releaseLock(environment: "production", token: lease.token)
        try await head.value
        #expect(clock.now - started < .seconds(30), "the head of the queue was woken by the release, not by its 60 s timeout")
        try await Task.sleep(for: .milliseconds(300))
        behind.cancel()
        await #expect(throws: CancellationError.self, "the waiter behind was still waiting when cancelled") { try await behind.value }
    }

    /// Waits until some session of the test role has sent `LISTEN` (the store's listener).
    static func untilListening(url: PostgresURL) async throws {
        let (connection, logger) = try await PostgresTestDatabase.connect(url)
        defer { Task { try? await connection.close() } }
        for _ in 0..<100 {
            var listening = 0
            for try await count in try await connection.query("SELECT count(*)::int FROM pg_stat_activity WHERE datname = current_database() AND query ILIKE 'LISTEN%'", logger: logger).decode(Int.self) {
                listening = count
            }
            if listening > 0 { return }
            try await Task.sleep(for: .milliseconds(50))
        }
        Issue.record("the store never started listening for lease releases")
    }
}
