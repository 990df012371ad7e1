import Foundation
import GantryCore
import GantryTestSupport
import Testing

/// Where `gantry rollback ENV` goes without `--to`, read from a store's history.
@Suite("the rollback target")
struct RollbackTargetTests {
    let origin = Origin(host: "ci-1", pid: 42, runner: "primary", actor: "alice")

    /// Records one finished deployment; a success is promoted (verified live).
    func record(_ store: MemoryStateStore, _ release: String, _ outcome: Outcome, kind: DeploymentRecord.Kind = .deploy, second: Int) async throws {
        let at = Date(timeIntervalSince1970: 1_800_000_000 + Double(second))
        let id = DeploymentID(rawValue: "20270115-000000.000-\(String(format: "%06d", second))")
        try await store.beginDeployment(DeploymentRecord(id: id, environment: "production", release: release, kind: kind, startedAt: at, origin: origin), token: nil)
        try await store.finishDeployment(id, outcome: outcome, reason: nil, code: nil, at: at, promote: outcome == .succeeded, token: nil)
    }

    func target(_ store: MemoryStateStore, pageSize: Int = 200) async throws -> Result<RollbackTarget, RollbackTarget.Missing> {
        try await RollbackTarget.find(environment: "production", in: store, pageSize: pageSize)
    }

    @Test("the newest release before the current one that was verified live; skipped and failed ones do not count; paging reaches it")
    func previous() async throws {
        let store = MemoryStateStore()
        try await record(store, "1.0", .succeeded, second: 1)
        try await record(store, "1.5", .rolledBack, second: 2)
        try await record(store, "2.0", .succeeded, second: 3)
        for second in 4...8 { try await record(store, "2.0", .skipped, second: second) }
        let found = try await target(store, pageSize: 2).get()
        #expect(found.release == "1.0")
        #expect(found.current == "2.0")
        #expect(found.why.hasPrefix("1.0 is the newest release before 2.0 that was verified live (deployment 20270115-000000.000-000001"))
    }

    @Test("after a rollback to 1.0, back is 2.0 again (as Helm's rollback alternates)")
    func alternates() async throws {
        let store = MemoryStateStore()
        try await record(store, "1.0", .succeeded, second: 1)
        try await record(store, "2.0", .succeeded, second: 2)
        try await record(store, "1.0", .succeeded, kind: .rollback, second: 3)
        #expect(try await target(store).get().release == "2.0")
    }

    @Test("a newest deployment that failed unrestored: back is the current release, the one verified before it")
    func unrestored() async throws {
        let store = MemoryStateStore()
        try await record(store, "1.0", .succeeded, second: 1)
        try await record(store, "2.0", .succeeded, second: 2)
        try await record(store, "3.0", .failed, second: 3)
        let found = try await target(store).get()
        #expect(found.release == "2.0")
        #expect(found.current == "3.0")
        #expect(found.unrestored?.release == "3.0")
        #expect(found.why.contains("ended failed and was not restored"))
    }

    @Test("nothing verified, or nothing before the current release: why, for exit 2")
    func missing() async throws {
        let empty = MemoryStateStore()
        #expect(try await target(empty) == .failure(.nothingLive(environment: "production")))
        let one = MemoryStateStore()
        try await record(one, "1.0", .succeeded, second: 1)
        try await record(one, "1.0", .succeeded, second: 2)
        #expect(try await target(one) == .failure(.nothingBefore(environment: "production", current: "1.0")))
    }
}
