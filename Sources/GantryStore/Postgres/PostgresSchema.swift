/// The versioned schema of the shared store. Migrations only ever append; each runs in the
/// same transaction as the version bump, under a transaction-scoped advisory lock, so two
/// runners starting together serialize and the second finds the schema up to date.
enum PostgresSchema {
    /// An arbitrary, fixed key for `pg_advisory_xact_lock`: "gantry" in ASCII.
    static let advisoryKey: Int64 = 0x67616E747279

    static let migrations: [(version: Int, sql: [String])] = [
        (1, [
            """
            CREATE TABLE gantry_environments (
                name TEXT PRIMARY KEY,
                current_release TEXT,
                last_good_release TEXT,
                current_deployment_id TEXT,
                updated_at TIMESTAMPTZ,
                frozen_reason TEXT,
                frozen_by TEXT,
                frozen_at TIMESTAMPTZ,
                breaker_reset_at TIMESTAMPTZ
            )
            """,
            """
            CREATE TABLE gantry_deployments (
                id TEXT PRIMARY KEY,
                environment TEXT NOT NULL,
                release TEXT NOT NULL,
                kind TEXT NOT NULL,
                outcome TEXT,
                reason TEXT,
                started_at TIMESTAMPTZ NOT NULL,
                finished_at TIMESTAMPTZ,
                forced BOOLEAN NOT NULL DEFAULT FALSE,
                origin TEXT NOT NULL
            )
            """,
            "CREATE INDEX gantry_deployments_by_environment ON gantry_deployments (environment, id)",
            "CREATE INDEX gantry_deployments_unfinished ON gantry_deployments (environment) WHERE outcome IS NULL",
            """
            CREATE TABLE gantry_journal (
                deployment_id TEXT NOT NULL REFERENCES gantry_deployments (id) ON DELETE CASCADE,
                sequence INTEGER NOT NULL,
                at TIMESTAMPTZ NOT NULL,
                kind TEXT NOT NULL,
                event TEXT NOT NULL,
                PRIMARY KEY (deployment_id, sequence)
            )
            """,
            // Fencing tokens come from one sequence: they only ever grow, whichever runner asks.
            "CREATE SEQUENCE gantry_fencing_tokens",
            """
            CREATE TABLE gantry_locks (
                environment TEXT PRIMARY KEY,
                token BIGINT NOT NULL,
                held BOOLEAN NOT NULL,
                owner TEXT,
                deployment_id TEXT,
                reason TEXT,
                acquired_at TIMESTAMPTZ,
                expires_at TIMESTAMPTZ
            )
            """,
            """
            CREATE TABLE gantry_lock_queue (
                environment TEXT NOT NULL,
                deployment_id TEXT NOT NULL,
                release TEXT NOT NULL,
                owner TEXT NOT NULL,
                enqueued_at TIMESTAMPTZ NOT NULL,
                heartbeat_at TIMESTAMPTZ NOT NULL,
                PRIMARY KEY (environment, deployment_id)
            )
            """,
            """
            CREATE TABLE gantry_observations (
                subject TEXT NOT NULL,
                environment TEXT NOT NULL,
                name TEXT NOT NULL,
                healthy BOOLEAN NOT NULL,
                duration_ms BIGINT NOT NULL,
                message TEXT NOT NULL,
                at TIMESTAMPTZ NOT NULL,
                PRIMARY KEY (subject, environment, name)
            )
            """,
            """
            CREATE TABLE gantry_failovers (
                id BIGSERIAL PRIMARY KEY,
                environment TEXT NOT NULL,
                from_runner TEXT NOT NULL,
                to_runner TEXT NOT NULL,
                reason TEXT NOT NULL,
                at TIMESTAMPTZ NOT NULL
            )
            """,
        ]),
        // Releasing a lease tells the waiter next in line at once (LockReleaseListener), so a
        // hand-off does not wait for the waiter's next poll. The head is the live waiter
        // queued first, as tryAcquireLock orders them; "live" is the engine's waiter
        // staleness (10 s). A missed or wrong hint only costs a poll interval.
        (2, [
            """
            CREATE FUNCTION gantry_notify_lock_released() RETURNS trigger LANGUAGE plpgsql AS $$
            BEGIN
                PERFORM pg_notify('gantry_lock_released', NEW.environment || E'\\n' || COALESCE((
                    SELECT deployment_id FROM gantry_lock_queue
                    WHERE environment = NEW.environment AND heartbeat_at >= now() - interval '10 seconds'
                    ORDER BY enqueued_at, deployment_id LIMIT 1), ''));
                RETURN NULL;
            END
            $$
            """,
            """
            CREATE TRIGGER gantry_lock_released AFTER UPDATE ON gantry_locks
            FOR EACH ROW WHEN (OLD.held AND NOT NEW.held) EXECUTE FUNCTION gantry_notify_lock_released()
            """,
        ]),
        // Why a deployment did not succeed, as a code (`ReasonCatalog`).
        (3, [
            "ALTER TABLE gantry_deployments ADD COLUMN reason_code TEXT",
        ]),
        // What the metrics count, kept as outcomes are recorded (`HistoryTotals`), counted
        // once from the deployments already stored.
        (4, HistoryTotalsSQL.createTables(.postgres) + HistoryTotalsSQL.add(.postgres, from: "gantry_deployments", breakGlass: false) + [
            "CREATE INDEX gantry_deployments_by_finish ON gantry_deployments (finished_at) WHERE outcome IS NOT NULL",
            // Unfinished deployments in id order straight from the index.
            "DROP INDEX gantry_deployments_unfinished",
            "CREATE INDEX gantry_deployments_unfinished ON gantry_deployments (environment, id) WHERE outcome IS NULL",
        ]),
        // The notification outbox (`OutboxItem`, as JSON), delivered after the fact.
        (5, [
            """
            CREATE TABLE gantry_outbox (
                id BIGSERIAL PRIMARY KEY,
                key TEXT NOT NULL UNIQUE,
                deployment_id TEXT NOT NULL,
                next_attempt_at TIMESTAMPTZ NOT NULL,
                pending BOOLEAN NOT NULL,
                item TEXT NOT NULL
            )
            """,
            "CREATE INDEX gantry_outbox_due ON gantry_outbox (next_attempt_at) WHERE pending",
            "CREATE INDEX gantry_outbox_by_deployment ON gantry_outbox (deployment_id)",
        ]),
        // Signed approvals (`Approval`), as `gantry approve` stores them; what a deploy that
        // broke the glass (`--skip-promotion`) journaled, and how many finished per
        // environment (`HistoryTotals.breakGlass`): none before this version, so nothing to
        // count from the deployments already stored.
        (6, [
            """
            CREATE TABLE gantry_approvals (
                id BIGSERIAL PRIMARY KEY,
                environment TEXT NOT NULL,
                release TEXT NOT NULL,
                statement TEXT NOT NULL,
                signature TEXT NOT NULL,
                recorded_at TIMESTAMPTZ NOT NULL
            )
            """,
            "CREATE INDEX gantry_approvals_by_release ON gantry_approvals (environment, release)",
            // One row per signature, keyed by its digest: a large key's armored signature may
            // not fit in a btree entry (about 2.7 KB).
            "CREATE UNIQUE INDEX gantry_approvals_by_signature ON gantry_approvals (md5(signature))",
            "ALTER TABLE gantry_deployments ADD COLUMN break_glass TEXT",
            // When the outcome was recorded, on the database's clock (a promotion's soak).
            "ALTER TABLE gantry_deployments ADD COLUMN store_finished_at TIMESTAMPTZ",
            """
            CREATE TABLE gantry_break_glass_totals (
                environment TEXT PRIMARY KEY,
                count BIGINT NOT NULL DEFAULT 0
            )
            """,
        ]),
    ]

    static var latest: Int { migrations.map(\.version).max() ?? 0 }
}
