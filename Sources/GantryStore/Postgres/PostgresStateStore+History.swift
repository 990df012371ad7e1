package import GantryCore
package import Foundation
import PostgresNIO

/// Long histories: the totals the metrics read, pruning, and importing many deployments at
/// once.
extension PostgresStateStore {
    package func totals() async throws(StoreError) -> HistoryTotals {
        let logger = logger
        let (outcomeRows, failureRows, breakGlassRows) = try await transaction { connection in
            (
                try await Self.all(connection.query("SELECT * FROM gantry_outcome_totals", logger: logger)),
                try await Self.all(connection.query("SELECT * FROM gantry_failure_totals", logger: logger)),
                try await Self.all(connection.query("SELECT * FROM gantry_break_glass_totals", logger: logger))
            )
        }
        do {
            let outcomes = try outcomeRows.compactMap { row -> HistoryTotals.Outcomes? in
                guard let kind = DeploymentRecord.Kind(rawValue: try row["kind"].decode(String.self)),
                      let outcome = Outcome(rawValue: try row["outcome"].decode(String.self)) else { return nil }
                return HistoryTotals.Outcomes(
                    environment: try row["environment"].decode(String.self), kind: kind, outcome: outcome,
                    count: Int(try row["count"].decode(Int64.self)), lastFinishedAt: try row["last_finished_at"].decode(Date?.self)?.millisecondPrecision,
                    durationSum: .milliseconds(try row["duration_sum_ms"].decode(Int64.self)),
                    buckets: try HistoryTotalsSQL.bucketColumns.map { Int(try row[$0].decode(Int64.self)) }
                )
            }
            let failures = try failureRows.compactMap { row -> HistoryTotals.Failures? in
                guard let code = ReasonCode(rawValue: try row["code"].decode(String.self)) else { return nil }
                return HistoryTotals.Failures(environment: try row["environment"].decode(String.self), code: code, count: Int(try row["count"].decode(Int64.self)))
            }
            let breakGlass = try breakGlassRows.map { row -> HistoryTotals.BreakGlass in
                HistoryTotals.BreakGlass(environment: try row["environment"].decode(String.self), count: Int(try row["count"].decode(Int64.self)))
            }
            return HistoryTotals(outcomes: outcomes, failures: failures, breakGlass: breakGlass)
        } catch {
            throw StoreError(.corrupt, "the state store's totals cannot be read: \(error)")
        }
    }

    package func prune(finishedBefore: Date) async throws(StoreError) -> Int {
        let logger = logger
        return try await autocommit { client in
            try await Self.all(client.query(
                """
                WITH gone AS (
                    DELETE FROM gantry_deployments
                    WHERE outcome IS NOT NULL AND finished_at < \(finishedBefore)
                      AND id NOT IN (SELECT current_deployment_id FROM gantry_environments WHERE current_deployment_id IS NOT NULL)
                      AND id NOT IN (SELECT MAX(id) FROM gantry_deployments GROUP BY environment)
                      AND id NOT IN (SELECT MAX(id) FROM gantry_deployments WHERE outcome IS NULL OR outcome NOT IN ('skipped', 'refused') GROUP BY environment)
                    RETURNING id
                ), notifications AS (
                    -- Their notifications go with them (delivered long ago, or given up).
                    DELETE FROM gantry_outbox WHERE deployment_id IN (SELECT id FROM gone)
                )
                SELECT 1 FROM gone
                """,
                logger: logger
            )).count
        }
    }

    /// One row of an import, as `jsonb_to_recordset` reads it.
    private struct ImportedDeployment: Encodable {
        var id, environment, release, kind: String
        var outcome, reason, reason_code: String?
        /// Seconds since 1970, as `to_timestamp` reads them.
        var started_at: Double
        var finished_at: Double?
        var forced: Bool
        var origin: String
        var break_glass: String?
    }

    private struct ImportedEntry: Encodable {
        var deployment_id: String
        var sequence: Int
        var at: Double
        var kind: String
        var event: String
    }

    package func importDeployments(_ deployments: [StateExport.Deployment], current: Set<DeploymentID>) async throws(StoreError) {
        guard !deployments.isEmpty else { return }
        var rows: [ImportedDeployment] = []
        var entries: [ImportedEntry] = []
        for deployment in deployments {
            let record = deployment.record.imported
            rows.append(ImportedDeployment(
                id: record.id.rawValue, environment: record.environment, release: record.release, kind: record.kind.rawValue,
                outcome: record.outcome?.rawValue, reason: record.reason, reason_code: record.reasonCode?.rawValue, started_at: record.startedAt.timeIntervalSince1970,
                finished_at: record.finishedAt?.timeIntervalSince1970, forced: record.forced, origin: try json(record.origin),
                break_glass: record.breakGlass
            ))
            for entry in deployment.journal {
                entries.append(ImportedEntry(deployment_id: record.id.rawValue, sequence: entry.sequence, at: entry.at.timeIntervalSince1970, kind: entry.event.kind.rawValue, event: try json(entry.event)))
            }
        }
        let deploymentsJSON = try json(rows)
        let journalJSON = try json(entries)
        let ids = deployments.map(\.record.id.rawValue)
        let promoted = deployments.filter { current.contains($0.record.id) }.map(\.record.imported)
        let logger = logger
        try await transaction { connection in
            try await connection.query(
                """
                INSERT INTO gantry_deployments (id, environment, release, kind, outcome, reason, reason_code, started_at, finished_at, forced, origin, break_glass)
                SELECT id, environment, release, kind, outcome, reason, reason_code, to_timestamp(started_at), to_timestamp(finished_at), forced, origin, break_glass
                FROM jsonb_to_recordset(\(deploymentsJSON)::jsonb) AS x(id TEXT, environment TEXT, release TEXT, kind TEXT, outcome TEXT, reason TEXT,
                     reason_code TEXT, started_at DOUBLE PRECISION, finished_at DOUBLE PRECISION, forced BOOLEAN, origin TEXT, break_glass TEXT)
                """,
                logger: logger
            )
            try await connection.query(
                """
                INSERT INTO gantry_journal (deployment_id, sequence, at, kind, event)
                SELECT deployment_id, sequence, to_timestamp(at), kind, event
                FROM jsonb_to_recordset(\(journalJSON)::jsonb) AS x(deployment_id TEXT, sequence INTEGER, at DOUBLE PRECISION, kind TEXT, event TEXT)
                """,
                logger: logger
            )
            for statement in HistoryTotalsSQL.add(.postgres, from: "gantry_deployments WHERE id = ANY($1)") {
                var bindings = PostgresBindings()
                bindings.append(ids)
                try await connection.query(PostgresQuery(unsafeSQL: statement, binds: bindings), logger: logger)
            }
            for record in promoted {
                try await connection.query(
                    """
                    INSERT INTO gantry_environments (name, current_release, last_good_release, current_deployment_id, updated_at)
                    VALUES (\(record.environment), \(record.release), \(record.release), \(record.id.rawValue), \(record.finishedAt ?? record.startedAt))
                    ON CONFLICT (name) DO UPDATE SET current_release = excluded.current_release,
                        last_good_release = excluded.last_good_release,
                        current_deployment_id = excluded.current_deployment_id, updated_at = excluded.updated_at
                    """,
                    logger: logger
                )
            }
        }
    }

    package func addToTotals(_ totals: HistoryTotals) async throws(StoreError) {
        guard !totals.outcomes.isEmpty || !totals.failures.isEmpty || !totals.breakGlass.isEmpty else { return }
        let sql = HistoryTotalsSQL.addValues(.postgres) { "$\($0)" }
        let logger = logger
        try await transaction { connection in
            for total in totals.outcomes {
                var bindings = PostgresBindings()
                bindings.append(total.environment)
                bindings.append(total.kind.rawValue)
                bindings.append(total.outcome.rawValue)
                bindings.append(Int64(total.count))
                if let last = total.lastFinishedAt { bindings.append(last) } else { bindings.appendNull() }
                bindings.append(total.durationSum.milliseconds)
                for bucket in total.buckets { bindings.append(Int64(bucket)) }
                try await connection.query(PostgresQuery(unsafeSQL: sql.outcomes, binds: bindings), logger: logger)
            }
            for total in totals.failures {
                var bindings = PostgresBindings()
                bindings.append(total.environment)
                bindings.append(total.code.rawValue)
                bindings.append(Int64(total.count))
                try await connection.query(PostgresQuery(unsafeSQL: sql.failures, binds: bindings), logger: logger)
            }
            for total in totals.breakGlass {
                var bindings = PostgresBindings()
                bindings.append(total.environment)
                bindings.append(Int64(total.count))
                try await connection.query(PostgresQuery(unsafeSQL: sql.breakGlass, binds: bindings), logger: logger)
            }
        }
    }
}
