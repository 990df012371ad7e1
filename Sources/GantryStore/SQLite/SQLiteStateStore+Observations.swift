package import GantryCore
import GRDB

/// Runner and check observations, and failovers: what the metrics and the status page show
/// besides deployments.
extension SQLiteStateStore {
    package func record(_ observations: [Observation]) async throws(StoreError) {
        guard !observations.isEmpty else { return }
        try write { db in
            for observation in observations {
                try db.execute(
                    sql: """
                        INSERT INTO observations (subject, environment, name, healthy, duration_ms, message, at)
                        VALUES (?, ?, ?, ?, ?, ?, ?)
                        ON CONFLICT (subject, environment, name) DO UPDATE SET healthy = excluded.healthy,
                            duration_ms = excluded.duration_ms, message = excluded.message, at = excluded.at
                        WHERE excluded.at >= observations.at
                        """,
                    arguments: [
                        observation.subject.rawValue, observation.environment, observation.name, observation.healthy,
                        observation.durationMilliseconds, observation.message, Self.millis(observation.at),
                    ]
                )
            }
        }
    }

    package func observations() async throws(StoreError) -> [Observation] {
        try read { db in
            try Row.fetchAll(db, sql: "SELECT * FROM observations ORDER BY subject, environment, name").map { row in
                Observation(
                    subject: Observation.Subject(rawValue: row["subject"]) ?? .check, environment: row["environment"], name: row["name"],
                    healthy: row["healthy"], durationMilliseconds: row["duration_ms"], message: row["message"], at: Self.date(row["at"])
                )
            }
        }
    }

    package func recordFailover(_ failover: RunnerFailover) async throws(StoreError) {
        try write { db in
            try db.execute(
                sql: "INSERT INTO failovers (environment, from_runner, to_runner, reason, at) VALUES (?, ?, ?, ?, ?)",
                arguments: [failover.environment, failover.from, failover.to, failover.reason, Self.millis(failover.at)]
            )
        }
    }

    package func failoverCounts() async throws(StoreError) -> [FailoverCount] {
        try read { db in
            try Row.fetchAll(
                db,
                sql: """
                    SELECT environment, from_runner, to_runner, COUNT(*) AS n FROM failovers
                    GROUP BY environment, from_runner, to_runner ORDER BY environment, from_runner, to_runner
                    """
            ).map { FailoverCount(environment: $0["environment"], from: $0["from_runner"], to: $0["to_runner"], count: $0["n"]) }
        }
    }

    package func failovers(limit: Int) async throws(StoreError) -> [RunnerFailover] {
        try read { db in
            try Row.fetchAll(db, sql: "SELECT * FROM failovers ORDER BY id DESC LIMIT ?", arguments: [limit]).map {
                RunnerFailover(environment: $0["environment"], from: $0["from_runner"], to: $0["to_runner"], reason: $0["reason"], at: Self.date($0["at"]))
            }
        }
    }
}
