import GRDB

/// The versioned schema of the embedded store. Migrations only ever append: a shipped
/// migration is never edited, so every database reaches the same shape by the same steps.
enum SQLiteSchema {
    static var migrator: DatabaseMigrator {
        var migrator = DatabaseMigrator()
        migrator.registerMigration("1-initial") { db in
            try db.execute(sql: """
                CREATE TABLE environments (
                    name TEXT PRIMARY KEY NOT NULL,
                    current_release TEXT,
                    last_good_release TEXT,
                    current_deployment_id TEXT,
                    updated_at INTEGER
                );
                CREATE TABLE deployments (
                    id TEXT PRIMARY KEY NOT NULL,
                    environment TEXT NOT NULL,
                    release TEXT NOT NULL,
                    kind TEXT NOT NULL,
                    outcome TEXT,
                    reason TEXT,
                    started_at INTEGER NOT NULL,
                    finished_at INTEGER,
                    forced INTEGER NOT NULL DEFAULT 0,
                    origin TEXT NOT NULL
                );
                CREATE INDEX deployments_by_environment ON deployments (environment, id);
                CREATE TABLE journal (
                    deployment_id TEXT NOT NULL REFERENCES deployments (id) ON DELETE CASCADE,
                    sequence INTEGER NOT NULL,
                    at INTEGER NOT NULL,
                    kind TEXT NOT NULL,
                    event TEXT NOT NULL,
                    PRIMARY KEY (deployment_id, sequence)
                );
                CREATE TABLE locks (
                    environment TEXT PRIMARY KEY NOT NULL,
                    token INTEGER NOT NULL,
                    held INTEGER NOT NULL,
                    owner TEXT,
                    deployment_id TEXT,
                    reason TEXT,
                    acquired_at INTEGER,
                    expires_at INTEGER
                );
                """)
        }
        migrator.registerMigration("2-lock-queue") { db in
            try db.execute(sql: """
                CREATE TABLE lock_queue (
                    environment TEXT NOT NULL,
                    deployment_id TEXT NOT NULL,
                    release TEXT NOT NULL,
                    owner TEXT NOT NULL,
                    enqueued_at INTEGER NOT NULL,
                    heartbeat_at INTEGER NOT NULL,
                    PRIMARY KEY (environment, deployment_id)
                );
                CREATE INDEX deployments_unfinished ON deployments (environment) WHERE outcome IS NULL;
                """)
        }
        migrator.registerMigration("3-protect") { db in
            try db.execute(sql: """
                ALTER TABLE environments ADD COLUMN frozen_reason TEXT;
                ALTER TABLE environments ADD COLUMN frozen_by TEXT;
                ALTER TABLE environments ADD COLUMN frozen_at INTEGER;
                ALTER TABLE environments ADD COLUMN breaker_reset_at INTEGER;
                """)
        }
        migrator.registerMigration("4-observations") { db in
            try db.execute(sql: """
                CREATE TABLE observations (
                    subject TEXT NOT NULL,
                    environment TEXT NOT NULL,
                    name TEXT NOT NULL,
                    healthy INTEGER NOT NULL,
                    duration_ms INTEGER NOT NULL,
                    message TEXT NOT NULL,
                    at INTEGER NOT NULL,
                    PRIMARY KEY (subject, environment, name)
                );
                CREATE TABLE failovers (
                    id INTEGER PRIMARY KEY AUTOINCREMENT,
                    environment TEXT NOT NULL,
                    from_runner TEXT NOT NULL,
                    to_runner TEXT NOT NULL,
                    reason TEXT NOT NULL,
                    at INTEGER NOT NULL
                );
                """)
        }
        // Why a deployment did not succeed, as a code (`ReasonCatalog`).
        migrator.registerMigration("5-reason-code") { db in
            try db.execute(sql: "ALTER TABLE deployments ADD COLUMN reason_code TEXT")
        }
        // What the metrics count, kept as outcomes are recorded (`HistoryTotals`), counted
        // once from the deployments already stored.
        migrator.registerMigration("6-history-totals") { db in
            for statement in HistoryTotalsSQL.createTables(.sqlite) + HistoryTotalsSQL.add(.sqlite, from: "deployments", breakGlass: false) {
                try db.execute(sql: statement)
            }
            try db.execute(sql: "CREATE INDEX deployments_by_finish ON deployments (finished_at) WHERE outcome IS NOT NULL")
            // Unfinished deployments in id order straight from the index: the one on
            // (environment) left the planner walking every deployment of the environment.
            try db.execute(sql: "DROP INDEX deployments_unfinished")
            try db.execute(sql: "CREATE INDEX deployments_unfinished ON deployments (environment, id) WHERE outcome IS NULL")
        }
        // The notification outbox (`OutboxItem`, as JSON), delivered after the fact.
        migrator.registerMigration("7-outbox") { db in
            try db.execute(sql: """
                CREATE TABLE outbox (
                    id INTEGER PRIMARY KEY AUTOINCREMENT,
                    key TEXT NOT NULL UNIQUE,
                    deployment_id TEXT NOT NULL,
                    next_attempt_at INTEGER NOT NULL,
                    pending INTEGER NOT NULL,
                    item TEXT NOT NULL
                )
                """)
            try db.execute(sql: "CREATE INDEX outbox_due ON outbox (next_attempt_at) WHERE pending = 1")
            try db.execute(sql: "CREATE INDEX outbox_by_deployment ON outbox (deployment_id)")
        }
        // Signed approvals (`Approval`), as `gantry approve` stores them; what a deploy that
        // broke the glass (`--skip-promotion`) journaled, and how many finished per
        // environment (`HistoryTotals.breakGlass`): none before this version, so nothing to
        // count from the deployments already stored.
        migrator.registerMigration("8-approvals") { db in
            try db.execute(sql: """
                CREATE TABLE approvals (
                    id INTEGER PRIMARY KEY AUTOINCREMENT,
                    environment TEXT NOT NULL,
                    release TEXT NOT NULL,
                    statement TEXT NOT NULL,
                    signature TEXT NOT NULL UNIQUE,
                    recorded_at INTEGER NOT NULL
                )
                """)
            try db.execute(sql: "CREATE INDEX approvals_by_release ON approvals (environment, release)")
            try db.execute(sql: "ALTER TABLE deployments ADD COLUMN break_glass TEXT")
            try db.execute(sql: """
                CREATE TABLE break_glass_totals (
                    environment TEXT PRIMARY KEY NOT NULL,
                    count INTEGER NOT NULL DEFAULT 0
                )
                """)
        }
        return migrator
    }
}
