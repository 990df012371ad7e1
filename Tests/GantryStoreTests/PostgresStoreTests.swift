import Foundation
import GantryCore
import GantryStore
import Logging
import PostgresNIO
import Testing

/// What only the shared store must do: judge leases by the database's clock, share one truth
/// between runners, and migrate safely when runners start together.
@Suite("postgres store", .enabled(if: ProcessInfo.processInfo.environment["GANTRY_TEST_STATE_POSTGRES_URL"] != nil || ProcessInfo.processInfo.environment["CI"] == "true"))
struct PostgresStoreTests {
    let alice = Origin(host: "runner-a", pid: 1, runner: "primary")
    let bob = Origin(host: "runner-b", pid: 2, runner: "secondary")

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
        let logger = Logger(label: "gantry.tests")
        let connection = try await PostgresConnection.connect(
            configuration: .init(host: url.host, port: url.port, username: url.user, password: url.password, database: url.database, tls: .disable), id: 1, logger: logger
        )
        var versions: [Int] = []
        for try await version in try await connection.query("SELECT version FROM gantry_schema ORDER BY version", logger: logger).decode(Int.self) {
            versions.append(version)
        }
        #expect(versions == [1], "each migration is applied exactly once")
        try await connection.query("INSERT INTO gantry_schema (version) VALUES (999)", logger: logger)
        try await connection.close()
        let error = await #expect(throws: StoreError.self) { _ = try await PostgresStateStore(url: url).environmentStates() }
        #expect(error?.code == .tooNew)

        let fresh = try await PostgresTestDatabase.createURL()
        let forbidden = await #expect(throws: StoreError.self) { _ = try await PostgresStateStore(url: fresh, migrate: false).environmentStates() }
        #expect(forbidden?.hint?.contains("gantry migrate") == true)
        let migrated = try await PostgresStateStore(url: fresh).migrate()
        #expect(migrated.from == 0 && migrated.to == 1)
        #expect(try await PostgresStateStore(url: fresh, migrate: false).environmentStates().isEmpty)
    }
}
