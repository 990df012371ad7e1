package import GantryCore
package import Foundation
import GRDB

/// Long histories: the totals the metrics read, pruning, and importing many deployments at
/// once.
extension SQLiteStateStore {
    package func totals() async throws(StoreError) -> HistoryTotals {
        try read { db in
            let outcomes = try Row.fetchAll(db, sql: "SELECT * FROM outcome_totals").compactMap { row -> HistoryTotals.Outcomes? in
                guard let kind = DeploymentRecord.Kind(rawValue: row["kind"]), let outcome = Outcome(rawValue: row["outcome"]) else { return nil }
                return HistoryTotals.Outcomes(
                    environment: row["environment"], kind: kind, outcome: outcome, count: row["count"],
                    lastFinishedAt: (row["last_finished_at"] as Int64?).map(Self.date),
                    durationSum: .milliseconds(row["duration_sum_ms"] as Int64), buckets: HistoryTotalsSQL.bucketColumns.map { row[$0] }
                )
            }
            let failures = try Row.fetchAll(db, sql: "SELECT * FROM failure_totals").compactMap { row -> HistoryTotals.Failures? in
                ReasonCode(rawValue: row["code"]).map { HistoryTotals.Failures(environment: row["environment"], code: $0, count: row["count"]) }
            }
            let breakGlass = try Row.fetchAll(db, sql: "SELECT * FROM break_glass_totals").map { row -> HistoryTotals.BreakGlass in
                HistoryTotals.BreakGlass(environment: row["environment"], count: row["count"])
            }
            return HistoryTotals(outcomes: outcomes, failures: failures, breakGlass: breakGlass)
        }
    }

    package func prune(finishedBefore: Date) async throws(StoreError) -> Int {
        try write { db in
            try db.execute(
                sql: """
                    DELETE FROM deployments
                    WHERE outcome IS NOT NULL AND finished_at < ?
                      AND id NOT IN (SELECT current_deployment_id FROM environments WHERE current_deployment_id IS NOT NULL)
                      AND id NOT IN (SELECT MAX(id) FROM deployments GROUP BY environment)
                      AND id NOT IN (SELECT MAX(id) FROM deployments WHERE outcome IS NULL OR outcome NOT IN ('skipped', 'refused') GROUP BY environment)
                    """,
                arguments: [Self.millis(finishedBefore)]
            )
            let pruned = db.changesCount
            // Their notifications go with them (delivered long ago, or given up).
            try db.execute(sql: "DELETE FROM outbox WHERE deployment_id NOT IN (SELECT id FROM deployments)")
            return pruned
        }
    }

    package func importDeployments(_ deployments: [StateExport.Deployment], current: Set<DeploymentID>) async throws(StoreError) {
        guard !deployments.isEmpty else { return }
        try write { db in
            let insert = try db.makeStatement(sql: """
                INSERT INTO deployments (id, environment, release, kind, outcome, reason, reason_code, started_at, finished_at, forced, origin, break_glass)
                VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
                """)
            let journal = try db.makeStatement(sql: "INSERT INTO journal (deployment_id, sequence, at, kind, event) VALUES (?, ?, ?, ?, ?)")
            for deployment in deployments {
                let record = deployment.record.imported
                try insert.execute(arguments: [
                    record.id.rawValue, record.environment, record.release, record.kind.rawValue, record.outcome?.rawValue,
                    record.reason, record.reasonCode?.rawValue, Self.millis(record.startedAt),
                    record.finishedAt.map(Self.millis), record.forced, try Self.json(record.origin), record.breakGlass,
                ])
                for entry in deployment.journal {
                    try journal.execute(arguments: [record.id.rawValue, entry.sequence, Self.millis(entry.at), entry.event.kind.rawValue, try Self.json(entry.event)])
                }
            }
            let ids = deployments.map(\.record.id.rawValue)
            let marks = Array(repeating: "?", count: ids.count).joined(separator: ", ")
            for statement in HistoryTotalsSQL.add(.sqlite, from: "deployments WHERE id IN (\(marks))") {
                try db.execute(sql: statement, arguments: StatementArguments(ids))
            }
            for deployment in deployments where current.contains(deployment.record.id) {
                let record = deployment.record.imported
                try Self.promote(record.id, environment: record.environment, at: record.finishedAt ?? record.startedAt, db)
            }
        }
    }

    package func addToTotals(_ totals: HistoryTotals) async throws(StoreError) {
        guard !totals.outcomes.isEmpty || !totals.failures.isEmpty || !totals.breakGlass.isEmpty else { return }
        try write { db in
            let sql = HistoryTotalsSQL.addValues(.sqlite) { _ in "?" }
            for total in totals.outcomes {
                var values: [(any DatabaseValueConvertible)?] = [
                    total.environment, total.kind.rawValue, total.outcome.rawValue, total.count,
                    total.lastFinishedAt.map(Self.millis), total.durationSum.milliseconds,
                ]
                values += total.buckets.map { $0 as (any DatabaseValueConvertible)? }
                try db.execute(sql: sql.outcomes, arguments: StatementArguments(values))
            }
            for total in totals.failures {
                try db.execute(sql: sql.failures, arguments: [total.environment, total.code.rawValue, total.count])
            }
            for total in totals.breakGlass {
                try db.execute(sql: sql.breakGlass, arguments: [total.environment, total.count])
            }
        }
    }
}
