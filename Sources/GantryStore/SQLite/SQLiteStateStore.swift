package import GantryCore
package import Foundation
import GRDB

/// The embedded state store: one SQLite file in WAL mode with synchronous commits, for teams
/// whose deploys run from one host. Each call is one short transaction; concurrent gantry
/// processes on the host serialize on SQLite's write lock (busy timeout 10 s).
package final class SQLiteStateStore: StateStore {
    let queue: DatabaseQueue
    package let path: String

    /// Opens the database at `path`. With `create`, the file is created if needed, opened for
    /// writing and its schema brought up to date. Without, it is opened read-only, and nil is
    /// returned when it does not exist: commands that only read (status, history, plan)
    /// never create, migrate or checkpoint anything.
    package static func open(path: String, create: Bool) throws(StoreError) -> SQLiteStateStore? {
        let manager = FileManager.default
        guard create else {
            guard manager.fileExists(atPath: path) else { return nil }
            // The file may be new, its schema being written by a first deploy right now.
            MigrationLock.awaitMigration(path + ".lock")
            return try SQLiteStateStore(path: path, readOnly: true)
        }
        if !manager.fileExists(atPath: path) {
            let directory = (path as NSString).deletingLastPathComponent
            if !directory.isEmpty {
                do {
                    try manager.createDirectory(atPath: directory, withIntermediateDirectories: true)
                } catch {
                    throw StoreError(.unavailable, "cannot create the state directory \(directory): \(error.localizedDescription)",
                                     hint: "check the path and permissions of 'state:' in the config or --state")
                }
            }
        }
        // The lock is taken before the file can exist, so a reader that sees the file either
        // waits for the migration or finds it done.
        do {
            return try MigrationLock.holding(path + ".lock") { () throws(StoreError) in
                try SQLiteStateStore(path: path, readOnly: false)
            }
        } catch let error as StoreError {
            throw error
        } catch {
            throw SQLiteStateStore.translate(error, path: path)
        }
    }

    init(path: String, readOnly: Bool) throws(StoreError) {
        self.path = path
        var configuration = Configuration()
        configuration.readonly = readOnly
        configuration.journalMode = .wal
        configuration.busyMode = .timeout(10)
        configuration.foreignKeysEnabled = true
        configuration.label = "gantry-state"
        configuration.prepareDatabase { db in
            try db.execute(sql: "PRAGMA synchronous = FULL")
        }
        do {
            queue = try DatabaseQueue(path: path, configuration: configuration)
            let migrator = SQLiteSchema.migrator
            let queue = queue
            let check = {
                try queue.read { db in
                    if try migrator.hasBeenSuperseded(db) {
                        throw StoreError(.tooNew, "the state database \(path) was written by a newer gantry",
                                         hint: "upgrade gantry on this runner; an older binary must not change newer state")
                    }
                    if readOnly, try !migrator.hasCompletedMigrations(db) {
                        throw StoreError(.unavailable, "the state database \(path) has an older schema",
                                         hint: "the next 'gantry deploy' upgrades it")
                    }
                }
            }
            try check()
            // Many gantry processes may open a new database at once; `open` holds the
            // migration lock, so one migrates and the others find the schema up to date.
            if !readOnly { try migrator.migrate(queue) }
        } catch let error as StoreError {
            throw error
        } catch {
            throw SQLiteStateStore.translate(error, path: path)
        }
    }

    // MARK: environments

    package func environmentState(_ environment: String) async throws(StoreError) -> EnvironmentState {
        try read { db in
            try Row.fetchOne(db, sql: "SELECT * FROM environments WHERE name = ?", arguments: [environment])
                .map(Self.environment) ?? EnvironmentState(name: environment)
        }
    }

    package func environmentStates() async throws(StoreError) -> [EnvironmentState] {
        try read { db in
            try Row.fetchAll(db, sql: "SELECT * FROM environments ORDER BY name").map(Self.environment)
        }
    }

    // MARK: locks

    package func tryAcquireLock(_ request: LockRequest) async throws(StoreError) -> LockAttempt {
        try write { db in
            let row = try Row.fetchOne(db, sql: "SELECT * FROM locks WHERE environment = ?", arguments: [request.environment])
            if let row, let lease = try Self.lease(row), lease.expiresAt > request.now, lease.token != request.breaking {
                return .held(lease)
            }
            if let waiter = request.waiter {
                let liveSince = Self.millis(request.waitersLiveSince ?? .distantPast)
                if let head = try Row.fetchOne(
                    db,
                    sql: "SELECT * FROM lock_queue WHERE environment = ? AND heartbeat_at >= ? ORDER BY enqueued_at, deployment_id LIMIT 1",
                    arguments: [request.environment, liveSince]
                ), head["deployment_id"] as String != waiter.rawValue {
                    return .queuedBehind(try Self.waiter(head))
                }
            }
            let token = FencingToken(((row?["token"] as Int64?) ?? 0) + 1)
            let expires = request.now.addingTimeInterval(request.ttl.seconds)
            try db.execute(
                sql: """
                    INSERT INTO locks (environment, token, held, owner, deployment_id, reason, acquired_at, expires_at)
                    VALUES (?, ?, 1, ?, ?, ?, ?, ?)
                    ON CONFLICT (environment) DO UPDATE SET token = excluded.token, held = 1, owner = excluded.owner,
                        deployment_id = excluded.deployment_id, reason = excluded.reason,
                        acquired_at = excluded.acquired_at, expires_at = excluded.expires_at
                    """,
                arguments: [
                    request.environment, token.value, try Self.json(request.owner), request.deploymentID?.rawValue, request.reason,
                    Self.millis(request.now), Self.millis(expires),
                ]
            )
            if let waiter = request.waiter {
                try db.execute(sql: "DELETE FROM lock_queue WHERE environment = ? AND deployment_id = ?", arguments: [request.environment, waiter.rawValue])
            }
            return .acquired(Lease(
                environment: request.environment, token: token, owner: request.owner, deploymentID: request.deploymentID,
                reason: request.reason, acquiredAt: request.now, expiresAt: expires
            ))
        }
    }

    package func renewLock(environment: String, token: FencingToken, ttl: Duration, now: Date) async throws(StoreError) -> Lease? {
        try write { db in
            try db.execute(
                sql: "UPDATE locks SET expires_at = ? WHERE environment = ? AND token = ? AND held = 1 AND deployment_id IS NOT NULL AND expires_at > ?",
                arguments: [Self.millis(now.addingTimeInterval(ttl.seconds)), environment, token.value, Self.millis(now)]
            )
            guard db.changesCount > 0 else { return nil }
            return try Row.fetchOne(db, sql: "SELECT * FROM locks WHERE environment = ?", arguments: [environment]).flatMap(Self.lease)
        }
    }

    package func enqueue(_ waiter: LockWaiter, environment: String) async throws(StoreError) {
        try write { db in
            try db.execute(
                sql: """
                    INSERT OR REPLACE INTO lock_queue (environment, deployment_id, release, owner, enqueued_at, heartbeat_at)
                    VALUES (?, ?, ?, ?, ?, ?)
                    """,
                arguments: [
                    environment, waiter.deploymentID.rawValue, waiter.release, try Self.json(waiter.owner),
                    Self.millis(waiter.enqueuedAt), Self.millis(waiter.heartbeatAt),
                ]
            )
        }
    }

    package func heartbeat(environment: String, deploymentID: DeploymentID, now: Date) async throws(StoreError) {
        try write { db in
            try db.execute(
                sql: "UPDATE lock_queue SET heartbeat_at = ? WHERE environment = ? AND deployment_id = ?",
                arguments: [Self.millis(now), environment, deploymentID.rawValue]
            )
        }
    }

    package func dequeue(environment: String, deploymentID: DeploymentID) async throws(StoreError) {
        try write { db in
            try db.execute(sql: "DELETE FROM lock_queue WHERE environment = ? AND deployment_id = ?", arguments: [environment, deploymentID.rawValue])
        }
    }

    package func waiters(environment: String, liveSince: Date) async throws(StoreError) -> [LockWaiter] {
        try read { db in
            try Row.fetchAll(
                db, sql: "SELECT * FROM lock_queue WHERE environment = ? AND heartbeat_at >= ? ORDER BY enqueued_at, deployment_id",
                arguments: [environment, Self.millis(liveSince)]
            ).map(Self.waiter)
        }
    }

    package func unfinishedDeployments(environment: String, excluding: DeploymentID?) async throws(StoreError) -> [DeploymentRecord] {
        try read { db in
            try Row.fetchAll(
                db, sql: "SELECT * FROM deployments WHERE environment = ? AND outcome IS NULL AND id != ? ORDER BY id",
                arguments: [environment, excluding?.rawValue ?? ""]
            ).map(Self.deployment)
        }
    }

    package func releaseLock(environment: String, token: FencingToken) async throws(StoreError) {
        try write { db in
            try db.execute(
                sql: "UPDATE locks SET held = 0 WHERE environment = ? AND token = ?",
                arguments: [environment, token.value]
            )
        }
    }

    package func lease(environment: String) async throws(StoreError) -> Lease? {
        try read { db in
            try Row.fetchOne(db, sql: "SELECT * FROM locks WHERE environment = ?", arguments: [environment]).flatMap(Self.lease)
        }
    }

    // MARK: deployments

    package func beginDeployment(_ record: DeploymentRecord, token: FencingToken?) async throws(StoreError) {
        try write { db in
            if let token { try Self.requireToken(db, environment: record.environment, token: token) }
            try db.execute(
                sql: """
                    INSERT INTO deployments (id, environment, release, kind, outcome, reason, reason_code, started_at, finished_at, forced, origin, break_glass)
                    VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
                    """,
                arguments: [
                    record.id.rawValue, record.environment, record.release, record.kind.rawValue, record.outcome?.rawValue,
                    record.reason, record.reasonCode?.rawValue, Self.millis(record.startedAt), record.finishedAt.map(Self.millis), record.forced,
                    try Self.json(record.origin), record.breakGlass,
                ]
            )
        }
    }

    package func append(_ event: JournalEvent, to id: DeploymentID, at: Date, token: FencingToken?) async throws(StoreError) {
        try await append([event], to: id, at: at, token: token)
    }

    package func append(_ events: [JournalEvent], to id: DeploymentID, at: Date, token: FencingToken?) async throws(StoreError) {
        guard !events.isEmpty else { return }
        try write { db in
            let environment = try Self.environment(of: id, db)
            if let token { try Self.requireToken(db, environment: environment, token: token) }
            var next = try Int.fetchOne(db, sql: "SELECT COALESCE(MAX(sequence), 0) + 1 FROM journal WHERE deployment_id = ?", arguments: [id.rawValue]) ?? 1
            for event in events {
                try db.execute(
                    sql: "INSERT INTO journal (deployment_id, sequence, at, kind, event) VALUES (?, ?, ?, ?, ?)",
                    arguments: [id.rawValue, next, Self.millis(at), event.kind.rawValue, try Self.json(event)]
                )
                next += 1
            }
        }
    }

    package func finishDeployment(
        _ id: DeploymentID, outcome: Outcome, reason: String?, code: ReasonCode?, at: Date, promote: Bool, token: FencingToken?
    ) async throws(StoreError) {
        try write { db in
            let environment = try Self.environment(of: id, db)
            if let token { try Self.requireToken(db, environment: environment, token: token) }
            let firstOutcome = try String.fetchOne(db, sql: "SELECT outcome FROM deployments WHERE id = ?", arguments: [id.rawValue]) == nil
            try db.execute(
                sql: "UPDATE deployments SET outcome = ?, reason = ?, reason_code = ?, finished_at = ? WHERE id = ?",
                arguments: [outcome.rawValue, reason, code?.rawValue, Self.millis(at), id.rawValue]
            )
            // A deployment counts once, at its first outcome.
            if firstOutcome {
                for statement in HistoryTotalsSQL.add(.sqlite, from: "deployments WHERE id = ?") {
                    try db.execute(sql: statement, arguments: [id.rawValue])
                }
            }
            guard promote else { return }
            try Self.promote(id, environment: environment, at: at, db)
        }
    }

    /// Makes the deployment's release the environment's current and last good one.
    static func promote(_ id: DeploymentID, environment: String, at: Date, _ db: Database) throws {
        let release = try String.fetchOne(db, sql: "SELECT release FROM deployments WHERE id = ?", arguments: [id.rawValue])
        try db.execute(
            sql: """
                INSERT INTO environments (name, current_release, last_good_release, current_deployment_id, updated_at)
                VALUES (?, ?, ?, ?, ?)
                ON CONFLICT (name) DO UPDATE SET current_release = excluded.current_release,
                    last_good_release = excluded.last_good_release,
                    current_deployment_id = excluded.current_deployment_id, updated_at = excluded.updated_at
                """,
            arguments: [environment, release, release, id.rawValue, Self.millis(at)]
        )
    }

    package func setFreeze(environment: String, freeze: EnvironmentState.Freeze?, at: Date) async throws(StoreError) {
        try write { db in
            try db.execute(sql: "INSERT OR IGNORE INTO environments (name) VALUES (?)", arguments: [environment])
            if let freeze {
                try db.execute(
                    sql: "UPDATE environments SET frozen_reason = ?, frozen_by = ?, frozen_at = ? WHERE name = ?",
                    arguments: [freeze.reason, freeze.by, Self.millis(freeze.at), environment]
                )
            } else {
                try db.execute(
                    sql: "UPDATE environments SET frozen_reason = NULL, frozen_by = NULL, frozen_at = NULL, breaker_reset_at = ? WHERE name = ?",
                    arguments: [Self.millis(at), environment]
                )
            }
        }
    }

    package func holdLock(environment: String, token: FencingToken, reason: String) async throws(StoreError) {
        try write { db in
            try db.execute(
                sql: "UPDATE locks SET deployment_id = NULL, reason = ?, expires_at = ? WHERE environment = ? AND token = ? AND held = 1",
                arguments: [reason, Self.millis(Lease.handHeldUntil), environment, token.value]
            )
        }
    }

    package func deployments(environment: String?, limit: Int, before: DeploymentID?) async throws(StoreError) -> [DeploymentRecord] {
        try read { db in
            // The id sorts as the start time does, so it pages the history.
            let before = before?.rawValue
            if let environment {
                return try Row.fetchAll(
                    db, sql: "SELECT * FROM deployments WHERE environment = ? AND (? IS NULL OR id < ?) ORDER BY id DESC LIMIT ?",
                    arguments: [environment, before, before, limit]
                ).map(Self.deployment)
            }
            return try Row.fetchAll(db, sql: "SELECT * FROM deployments WHERE ? IS NULL OR id < ? ORDER BY id DESC LIMIT ?", arguments: [before, before, limit]).map(Self.deployment)
        }
    }

    package func lastEffectiveDeployment(environment: String, excluding: DeploymentID?) async throws(StoreError) -> DeploymentRecord? {
        try read { db in
            try Row.fetchOne(
                db,
                sql: """
                    SELECT * FROM deployments
                    WHERE environment = ? AND id != ? AND (outcome IS NULL OR outcome NOT IN ('skipped', 'refused'))
                    ORDER BY id DESC LIMIT 1
                    """,
                arguments: [environment, excluding?.rawValue ?? ""]
            ).map(Self.deployment)
        }
    }

    package func deployment(_ id: DeploymentID) async throws(StoreError) -> DeploymentRecord? {
        try read { db in
            try Row.fetchOne(db, sql: "SELECT * FROM deployments WHERE id = ?", arguments: [id.rawValue]).map(Self.deployment)
        }
    }

    package func journal(_ id: DeploymentID) async throws(StoreError) -> [JournalEntry] {
        try read { db in
            try Row.fetchAll(db, sql: "SELECT * FROM journal WHERE deployment_id = ? ORDER BY sequence", arguments: [id.rawValue]).map { row in
                JournalEntry(sequence: row["sequence"], at: Self.date(row["at"]), event: try Self.decode(JournalEvent.self, row["event"]))
            }
        }
    }
}
