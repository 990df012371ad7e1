import Foundation
import GantryCore
import GRDB
@testable import GantryStore
import Testing

/// Upgrading a store that already holds deployments counts them into the totals once, so
/// the counters carry on from where the recomputed ones were.
@Suite("history totals: the migration counts what is already stored")
struct HistoryTotalsMigrationTests {
    @Test("an SQLite database from before the totals gets them counted from its deployments on upgrade")
    func sqliteBackfill() async throws {
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("gantry-upgrade-\(UUID().uuidString).db").path
        let queue = try DatabaseQueue(path: path)
        try SQLiteSchema.migrator.migrate(queue, upTo: "5-reason-code")
        try await queue.write { db in
            let origin = #"{"host":"ci-1","pid":1}"#
            for (n, outcome, code, seconds) in [(1, "succeeded", nil, 42), (2, "failed", "command_failed", 3), (3, "succeeded", nil, 4000), (4, nil, nil, 0)] as [(Int, String?, String?, Int)] {
                let started = 1_795_000_000_000 + Int64(n) * 100_000
                try db.execute(
                    sql: "INSERT INTO deployments (id, environment, release, kind, outcome, reason_code, started_at, finished_at, origin) VALUES (?, 'production', ?, 'deploy', ?, ?, ?, ?, ?)",
                    arguments: ["20261129-000000.000-00000\(n)", "r\(n)", outcome, code, started, outcome == nil ? nil : started + Int64(seconds) * 1000, origin]
                )
            }
        }
        try queue.close()
        let store = try #require(try SQLiteStateStore.open(path: path, create: true))
        let totals = try await store.totals()
        let succeeded = try #require(totals.outcomes(environment: "production", kind: .deploy, outcome: .succeeded))
        #expect(succeeded.count == 2 && succeeded.durationSum == .seconds(4042))
        #expect(succeeded.buckets[HistoryTotals.bucket(of: .seconds(42))] == 1)
        #expect(succeeded.buckets.last == 1, "longer than the last bound")
        #expect(totals.outcomes(environment: "production", kind: .deploy, outcome: .failed)?.count == 1)
        #expect(totals.failures(environment: "production", code: .commandFailed) == 1)
        #expect(totals.outcomes.reduce(0) { $0 + $1.count } == 3, "the unfinished one is not counted")
        #expect(totals == HistoryTotals(records: try await store.deployments(environment: nil, limit: 10)), "the SQL counts as the core does")
    }
}
