import GantryCore

/// The SQL both stores use to keep `HistoryTotals`: a table of outcome totals, one of
/// failure totals and one of break-glass totals, to which each finished deployment adds its contribution, computed in SQL
/// from its row. A finish, a migration's backfill and an import all add the same way, so
/// the totals cannot drift from the rows they were counted from.
enum HistoryTotalsSQL {
    enum Dialect {
        case sqlite
        case postgres

        var integer: String { self == .sqlite ? "INTEGER" : "BIGINT" }
        var time: String { self == .sqlite ? "INTEGER" : "TIMESTAMPTZ" }
        /// Milliseconds between two time columns.
        func milliseconds(from start: String, to end: String) -> String {
            // PostgreSQL keeps microseconds; rounded as `DeploymentRecord.duration` rounds.
            self == .sqlite ? "(\(end) - \(start))" : "ROUND(EXTRACT(EPOCH FROM (\(end) - \(start))) * 1000)"
        }
        /// The later of two times, either of which may be NULL.
        func later(_ a: String, _ b: String) -> String {
            self == .sqlite ? "MAX(COALESCE(\(a), \(b)), COALESCE(\(b), \(a)))" : "GREATEST(\(a), \(b))"
        }
    }

    static let bucketColumns = (0...HistoryTotals.durationBuckets.count).map { "b\($0)" }

    static func outcomeTable(_ dialect: Dialect) -> String { dialect == .sqlite ? "outcome_totals" : "gantry_outcome_totals" }
    static func failureTable(_ dialect: Dialect) -> String { dialect == .sqlite ? "failure_totals" : "gantry_failure_totals" }
    static func breakGlassTable(_ dialect: Dialect) -> String { dialect == .sqlite ? "break_glass_totals" : "gantry_break_glass_totals" }
    static func deploymentTable(_ dialect: Dialect) -> String { dialect == .sqlite ? "deployments" : "gantry_deployments" }

    static func createTables(_ dialect: Dialect) -> [String] {
        let integer = dialect.integer
        let buckets = bucketColumns.map { "\($0) \(integer) NOT NULL DEFAULT 0" }.joined(separator: ",\n    ")
        return [
            """
            CREATE TABLE \(outcomeTable(dialect)) (
                environment TEXT NOT NULL,
                kind TEXT NOT NULL,
                outcome TEXT NOT NULL,
                count \(integer) NOT NULL DEFAULT 0,
                last_finished_at \(dialect.time),
                duration_sum_ms \(integer) NOT NULL DEFAULT 0,
                \(buckets),
                PRIMARY KEY (environment, kind, outcome)
            )
            """,
            """
            CREATE TABLE \(failureTable(dialect)) (
                environment TEXT NOT NULL,
                code TEXT NOT NULL,
                count \(integer) NOT NULL DEFAULT 0,
                PRIMARY KEY (environment, code)
            )
            """,
        ]
    }

    /// Adds to the totals every finished deployment that `source` yields. `source` is what
    /// follows FROM: rows with the deployments table's columns (environment, kind, outcome,
    /// reason_code, started_at, finished_at and, with `breakGlass`, break_glass), filtered as
    /// the caller needs.
    ///
    /// `breakGlass: false` leaves the break-glass totals out: the shipped migrations that
    /// backfilled the other totals ran before that column and table existed, and must run
    /// as they always did.
    static func add(_ dialect: Dialect, from source: String, breakGlass: Bool = true) -> [String] {
        let outcomes = outcomeTable(dialect)
        let failures = failureTable(dialect)
        let duration = dialect.milliseconds(from: "started_at", to: "COALESCE(finished_at, started_at)")
        let bounds = HistoryTotals.durationBuckets.map(\.milliseconds)
        var bucketSums: [String] = []
        for (index, _) in bucketColumns.enumerated() {
            var conditions: [String] = []
            if index > 0 { conditions.append("dur > \(bounds[index - 1])") }
            if index < bounds.count { conditions.append("dur <= \(bounds[index])") }
            bucketSums.append("SUM(CASE WHEN \(conditions.joined(separator: " AND ")) THEN 1 ELSE 0 END)")
        }
        let integer = dialect.integer
        var statements = [
            """
            INSERT INTO \(outcomes) (environment, kind, outcome, count, last_finished_at, duration_sum_ms, \(bucketColumns.joined(separator: ", ")))
            SELECT environment, kind, outcome, COUNT(*), MAX(finished_at), CAST(ROUND(SUM(dur)) AS \(integer)), \(bucketSums.joined(separator: ", "))
            FROM (SELECT environment, kind, outcome, finished_at, \(duration) AS dur FROM \(source)) AS finished_rows
            WHERE outcome IS NOT NULL
            GROUP BY environment, kind, outcome
            ON CONFLICT (environment, kind, outcome) DO UPDATE SET \(outcomeUpdates(dialect))
            """,
            """
            INSERT INTO \(failures) (environment, code, count)
            SELECT environment, reason_code, COUNT(*) FROM (SELECT environment, outcome, reason_code FROM \(source)) AS coded_rows
            WHERE outcome IS NOT NULL AND reason_code IS NOT NULL
            GROUP BY environment, reason_code
            ON CONFLICT (environment, code) DO UPDATE SET count = \(failures).count + excluded.count
            """,
        ]
        if breakGlass {
            let glass = breakGlassTable(dialect)
            statements.append("""
                INSERT INTO \(glass) (environment, count)
                SELECT environment, COUNT(*) FROM (SELECT environment, outcome, break_glass FROM \(source)) AS glass_rows
                WHERE outcome IS NOT NULL AND outcome NOT IN ('skipped', 'refused') AND break_glass IS NOT NULL
                GROUP BY environment
                ON CONFLICT (environment) DO UPDATE SET count = \(glass).count + excluded.count
                """)
        }
        return statements
    }

    /// What an upsert of outcome totals adds to a row that exists.
    static func outcomeUpdates(_ dialect: Dialect) -> String {
        let outcomes = outcomeTable(dialect)
        return ((["count", "duration_sum_ms"] + bucketColumns).map { "\($0) = \(outcomes).\($0) + excluded.\($0)" }
            + ["last_finished_at = \(dialect.later("\(outcomes).last_finished_at", "excluded.last_finished_at"))"]).joined(separator: ", ")
    }

    /// Upserts adding one row of outcome totals, one of failure totals and one of break-glass
    /// totals, as values: environment, kind, outcome, count, last_finished_at,
    /// duration_sum_ms, b0…; then environment, code, count; then environment, count.
    /// `placeholder(n)` writes the n-th parameter (from 1).
    static func addValues(_ dialect: Dialect, placeholder: (Int) -> String) -> (outcomes: String, failures: String, breakGlass: String) {
        let columns = ["environment", "kind", "outcome", "count", "last_finished_at", "duration_sum_ms"] + bucketColumns
        let outcomes = """
            INSERT INTO \(outcomeTable(dialect)) (\(columns.joined(separator: ", ")))
            VALUES (\((1...columns.count).map(placeholder).joined(separator: ", ")))
            ON CONFLICT (environment, kind, outcome) DO UPDATE SET \(outcomeUpdates(dialect))
            """
        let failures = """
            INSERT INTO \(failureTable(dialect)) (environment, code, count) VALUES (\(placeholder(1)), \(placeholder(2)), \(placeholder(3)))
            ON CONFLICT (environment, code) DO UPDATE SET count = \(failureTable(dialect)).count + excluded.count
            """
        let breakGlass = """
            INSERT INTO \(breakGlassTable(dialect)) (environment, count) VALUES (\(placeholder(1)), \(placeholder(2)))
            ON CONFLICT (environment) DO UPDATE SET count = \(breakGlassTable(dialect)).count + excluded.count
            """
        return (outcomes, failures, breakGlass)
    }
}
