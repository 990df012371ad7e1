package import Foundation
package import GantryCore
import PostgresNIO

/// Environments, deployments and journals. A write for a running deployment takes a share
/// lock on its environment's lease row and checks the token in the same transaction, so a
/// takeover (which updates that row) waits for the write or makes it fail as stale.
extension PostgresStateStore {
    package func environmentState(_ environment: String) async throws(StoreError) -> EnvironmentState {
        let logger = logger
        return try await autocommit { connection in
            try await Self.first(connection.query("SELECT * FROM gantry_environments WHERE name = \(environment)", logger: logger))
                .map(Self.environment) ?? EnvironmentState(name: environment)
        }
    }

    package func environmentStates() async throws(StoreError) -> [EnvironmentState] {
        let logger = logger
        return try await autocommit { connection in
            try await Self.all(connection.query("SELECT * FROM gantry_environments ORDER BY name", logger: logger)).map(Self.environment)
        }
    }

    package func beginDeployment(_ record: DeploymentRecord, token: FencingToken?) async throws(StoreError) {
        let origin = try json(record.origin)
        let logger = logger
        // One statement, one round trip: the token check (a share lock on the lease row) and
        // the insert commit together or not at all.
        let written = try await autocommit { client in
            try await Self.all(client.query(
                """
                INSERT INTO gantry_deployments (id, environment, release, kind, outcome, reason, reason_code, started_at, finished_at, forced, origin, break_glass)
                SELECT \(record.id.rawValue), \(record.environment), \(record.release), \(record.kind.rawValue), \(record.outcome?.rawValue),
                       \(record.reason), \(record.reasonCode?.rawValue), \(record.startedAt), \(record.finishedAt), \(record.forced), \(origin),
                       \(record.breakGlass)
                WHERE \(token == nil) OR EXISTS (
                    SELECT 1 FROM gantry_locks WHERE environment = \(record.environment) AND token = \(token?.value ?? -1) AND held FOR SHARE)
                RETURNING 1
                """,
                logger: logger
            )).count
        }
        if written == 0, let token { try await staleToken(environment: record.environment, token: token) }
    }

    package func append(_ event: JournalEvent, to id: DeploymentID, at: Date, token: FencingToken?) async throws(StoreError) {
        let insert = Self.journalInsert(id: id, at: at, kind: event.kind.rawValue, text: try json(event), token: token)
        let logger = logger
        let written = try await autocommit { client in
            try await Self.all(client.query(insert, logger: logger)).count
        }
        guard written == 0 else { return }
        guard let record = try await deployment(id) else { throw StoreError(.notFound, "no deployment \(id)") }
        if let token { try await staleToken(environment: record.environment, token: token) }
    }

    package func append(_ events: [JournalEvent], to id: DeploymentID, at: Date, token: FencingToken?) async throws(StoreError) {
        guard events.count > 1 else {
            if let event = events.first { try await append(event, to: id, at: at, token: token) }
            return
        }
        var inserts: [PostgresQuery] = []
        for event in events { inserts.append(Self.journalInsert(id: id, at: at, kind: event.kind.rawValue, text: try json(event), token: token)) }
        let logger = logger
        let statements = inserts
        // One transaction: the first insert checks the token and locks the lease row (FOR
        // SHARE) for the rest; a refused first insert writes nothing.
        let written = try await transaction { connection in
            var written = 0
            for insert in statements {
                written += try await Self.all(connection.query(insert, logger: logger)).count
                if written == 0 { return 0 }
            }
            return written
        }
        guard written == 0 else { return }
        guard let record = try await deployment(id) else { throw StoreError(.notFound, "no deployment \(id)") }
        if let token { try await staleToken(environment: record.environment, token: token) }
    }

    /// One journal entry, numbered after the deployment's last, written only while `token`
    /// (when given) still holds the deployment's environment; returns a row when written.
    static func journalInsert(id: DeploymentID, at: Date, kind: String, text: String, token: FencingToken?) -> PostgresQuery {
        """
        INSERT INTO gantry_journal (deployment_id, sequence, at, kind, event)
        SELECT d.id, COALESCE((SELECT MAX(sequence) FROM gantry_journal WHERE deployment_id = d.id), 0) + 1,
               \(at), \(kind), \(text)
        FROM gantry_deployments d
        WHERE d.id = \(id.rawValue) AND (\(token == nil) OR EXISTS (
            SELECT 1 FROM gantry_locks l WHERE l.environment = d.environment AND l.token = \(token?.value ?? -1) AND l.held FOR SHARE))
        RETURNING 1
        """
    }

    /// Explains a write that its token check refused.
    func staleToken(environment: String, token: FencingToken) async throws(StoreError) -> Never {
        let current = try await lease(environment: environment)?.token
        throw StoreError(
            .staleToken,
            "write to \(environment) rejected: lease \(token) is no longer current (current: \(current.map(\.description) ?? "none"))",
            hint: "another deployment took over this environment's lease; this one must stop"
        )
    }

    package func finishDeployment(_ id: DeploymentID, outcome: Outcome, reason: String?, code: ReasonCode?, at: Date, promote: Bool, token: FencingToken?) async throws(StoreError) {
        let logger = logger
        // One statement: the token check, the outcome and (with promote) the new current
        // release commit together.
        let written = try await autocommit { client in
            try await Self.all(client.query(
                """
                WITH allowed AS (
                    SELECT d.id, d.outcome AS prior_outcome FROM gantry_deployments d
                    WHERE d.id = \(id.rawValue) AND (\(token == nil) OR EXISTS (
                        SELECT 1 FROM gantry_locks l WHERE l.environment = d.environment AND l.token = \(token?.value ?? -1) AND l.held FOR SHARE))
                    FOR UPDATE OF d
                ), finished AS (
                    UPDATE gantry_deployments SET outcome = \(outcome.rawValue), reason = \(reason), reason_code = \(code?.rawValue), finished_at = \(at),
                        store_finished_at = clock_timestamp()
                    WHERE id IN (SELECT id FROM allowed) RETURNING id, environment, release, kind, outcome, reason_code, started_at, finished_at, break_glass
                ), counted AS (
                    \(unescaped: Self.countOnce[0]) RETURNING 1
                ), failures_counted AS (
                    \(unescaped: Self.countOnce[1]) RETURNING 1
                ), break_glass_counted AS (
                    \(unescaped: Self.countOnce[2]) RETURNING 1
                ), promoted AS (
                    INSERT INTO gantry_environments (name, current_release, last_good_release, current_deployment_id, updated_at)
                    SELECT environment, release, release, id, \(at) FROM finished WHERE \(promote)
                    ON CONFLICT (name) DO UPDATE SET current_release = excluded.current_release,
                        last_good_release = excluded.last_good_release,
                        current_deployment_id = excluded.current_deployment_id, updated_at = excluded.updated_at
                    RETURNING 1
                )
                SELECT id FROM finished
                """,
                logger: logger
            )).count
        }
        guard written == 0 else { return }
        guard let record = try await deployment(id) else { throw StoreError(.notFound, "no deployment \(id)") }
        if let token { try await staleToken(environment: record.environment, token: token) }
    }

    /// Adds a finished deployment to the totals in the statement that finishes it, once: at
    /// its first outcome (all parts of one statement see the row as it was before; `allowed`
    /// locks the row, so a second finish waiting on it reads the outcome the first wrote).
    static let countOnce = HistoryTotalsSQL.add(.postgres, from: "finished JOIN allowed USING (id) WHERE prior_outcome IS NULL")

    package func setFreeze(environment: String, freeze: EnvironmentState.Freeze?, at: Date) async throws(StoreError) {
        let logger = logger
        try await transaction { connection in
            try await connection.query("INSERT INTO gantry_environments (name) VALUES (\(environment)) ON CONFLICT DO NOTHING", logger: logger)
            if let freeze {
                try await connection.query(
                    "UPDATE gantry_environments SET frozen_reason = \(freeze.reason), frozen_by = \(freeze.by), frozen_at = \(freeze.at) WHERE name = \(environment)",
                    logger: logger
                )
            } else {
                try await connection.query(
                    "UPDATE gantry_environments SET frozen_reason = NULL, frozen_by = NULL, frozen_at = NULL, breaker_reset_at = \(at) WHERE name = \(environment)",
                    logger: logger
                )
            }
        }
    }

    package func deployments(environment: String?, limit: Int, before: DeploymentID?) async throws(StoreError) -> [DeploymentRecord] {
        let logger = logger
        let limit = Int64(min(limit, Int(Int32.max)))
        // The id sorts as the start time does, so it pages the history.
        let before = before?.rawValue
        return try await autocommit { connection in
            if let environment {
                return try await Self.all(connection.query(
                    "SELECT * FROM gantry_deployments WHERE environment = \(environment) AND (\(before)::text IS NULL OR id < \(before)) ORDER BY id DESC LIMIT \(limit)", logger: logger
                )).map(Self.deployment)
            }
            return try await Self.all(connection.query("SELECT * FROM gantry_deployments WHERE (\(before)::text IS NULL OR id < \(before)) ORDER BY id DESC LIMIT \(limit)", logger: logger)).map(Self.deployment)
        }
    }

    package func lastEffectiveDeployment(environment: String, excluding: DeploymentID?) async throws(StoreError) -> DeploymentRecord? {
        let logger = logger
        return try await autocommit { connection in
            try await Self.first(connection.query(
                """
                SELECT * FROM gantry_deployments
                WHERE environment = \(environment) AND id != \(excluding?.rawValue ?? "") AND (outcome IS NULL OR outcome NOT IN ('skipped', 'refused'))
                ORDER BY id DESC LIMIT 1
                """,
                logger: logger
            )).map(Self.deployment)
        }
    }

    package func deployment(_ id: DeploymentID) async throws(StoreError) -> DeploymentRecord? {
        let logger = logger
        return try await autocommit { connection in
            try await Self.first(connection.query("SELECT * FROM gantry_deployments WHERE id = \(id.rawValue)", logger: logger)).map(Self.deployment)
        }
    }

    package func unfinishedDeployments(environment: String, excluding: DeploymentID?) async throws(StoreError) -> [DeploymentRecord] {
        let logger = logger
        return try await autocommit { connection in
            try await Self.all(connection.query(
                "SELECT * FROM gantry_deployments WHERE environment = \(environment) AND outcome IS NULL AND id != \(excluding?.rawValue ?? "") ORDER BY id",
                logger: logger
            )).map(Self.deployment)
        }
    }

    package func journal(_ id: DeploymentID) async throws(StoreError) -> [JournalEntry] {
        let logger = logger
        return try await autocommit { connection in
            try await Self.all(connection.query("SELECT * FROM gantry_journal WHERE deployment_id = \(id.rawValue) ORDER BY sequence", logger: logger)).map { row in
                JournalEntry(sequence: try row["sequence"].decode(Int.self), at: try row["at"].decode(Date.self).millisecondPrecision, event: try StoreJSON.decode(JournalEvent.self, row["event"].decode(String.self)))
            }
        }
    }

    // MARK: observations and failovers

    package func record(_ observations: [Observation]) async throws(StoreError) {
        guard !observations.isEmpty else { return }
        let logger = logger
        try await transaction { connection in
            for observation in observations {
                try await connection.query(
                    """
                    INSERT INTO gantry_observations (subject, environment, name, healthy, duration_ms, message, at)
                    VALUES (\(observation.subject.rawValue), \(observation.environment), \(observation.name), \(observation.healthy),
                            \(observation.durationMilliseconds), \(observation.message), \(observation.at))
                    ON CONFLICT (subject, environment, name) DO UPDATE SET healthy = excluded.healthy, duration_ms = excluded.duration_ms,
                        message = excluded.message, at = excluded.at
                    WHERE excluded.at >= gantry_observations.at
                    """,
                    logger: logger
                )
            }
        }
    }

    package func observations() async throws(StoreError) -> [Observation] {
        let logger = logger
        return try await autocommit { connection in
            try await Self.all(connection.query("SELECT * FROM gantry_observations ORDER BY subject, environment, name", logger: logger)).map { row in
                Observation(
                    subject: Observation.Subject(rawValue: try row["subject"].decode(String.self)) ?? .check,
                    environment: try row["environment"].decode(String.self), name: try row["name"].decode(String.self),
                    healthy: try row["healthy"].decode(Bool.self), durationMilliseconds: try row["duration_ms"].decode(Int64.self),
                    message: try row["message"].decode(String.self), at: try row["at"].decode(Date.self).millisecondPrecision
                )
            }
        }
    }

    package func recordFailover(_ failover: RunnerFailover) async throws(StoreError) {
        let logger = logger
        try await transaction { connection in
            try await connection.query(
                "INSERT INTO gantry_failovers (environment, from_runner, to_runner, reason, at) VALUES (\(failover.environment), \(failover.from), \(failover.to), \(failover.reason), \(failover.at))",
                logger: logger
            )
        }
    }

    package func failoverCounts() async throws(StoreError) -> [FailoverCount] {
        let logger = logger
        return try await autocommit { connection in
            try await Self.all(connection.query(
                """
                SELECT environment, from_runner, to_runner, COUNT(*)::BIGINT AS n FROM gantry_failovers
                GROUP BY environment, from_runner, to_runner ORDER BY environment, from_runner, to_runner
                """,
                logger: logger
            )).map {
                FailoverCount(
                    environment: try $0["environment"].decode(String.self), from: try $0["from_runner"].decode(String.self),
                    to: try $0["to_runner"].decode(String.self), count: Int(try $0["n"].decode(Int64.self))
                )
            }
        }
    }

    package func now() async throws(StoreError) -> Date? {
        let logger = logger
        return try await autocommit { connection in
            guard let row = try await Self.first(connection.query("SELECT clock_timestamp() AS now", logger: logger)) else {
                throw StoreError(.unavailable, "the PostgreSQL state store did not say its time")
            }
            return try row["now"].decode(Date.self).millisecondPrecision
        }
    }

    package func failovers(limit: Int) async throws(StoreError) -> [RunnerFailover] {
        let logger = logger
        let limit = Int64(limit)
        return try await autocommit { connection in
            try await Self.all(connection.query("SELECT * FROM gantry_failovers ORDER BY id DESC LIMIT \(limit)", logger: logger)).map {
                RunnerFailover(
                    environment: try $0["environment"].decode(String.self), from: try $0["from_runner"].decode(String.self),
                    to: try $0["to_runner"].decode(String.self), reason: try $0["reason"].decode(String.self), at: try $0["at"].decode(Date.self).millisecondPrecision
                )
            }
        }
    }
}
