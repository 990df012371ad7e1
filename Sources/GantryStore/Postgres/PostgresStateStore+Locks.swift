package import Foundation
package import GantryCore
import PostgresNIO

/// Leases and the queue, judged by the database's clock. Durations a caller expresses as
/// dates in its own clock (a waiter's liveness window) are turned into intervals first, so
/// only their length matters, never the runner's time of day.
extension PostgresStateStore {
    package func tryAcquireLock(_ request: LockRequest) async throws(StoreError) -> LockAttempt {
        let owner = try json(request.owner)
        let window = request.waitersLiveSince.map { Self.milliseconds(request.now.timeIntervalSince($0)) } ?? 0
        let ttl = request.ttl.milliseconds
        let logger = logger
        // Waiters poll often. Their usual answers, "held" and "someone queued earlier goes
        // first", come from one unlocked read, so only the head of the queue ever takes the
        // row lock: a free lease does not send every waiter into the locking transaction.
        let glance = try await autocommit { client in
            try await Self.first(client.query(Self.lockAndQueueHead(request.environment, window: window), logger: logger))
        }
        if let glance, let answer = try Self.decoded({ try Self.answerWithoutLocking(glance, request) }) {
            return answer
        }
        return try await transaction { connection in
            if glance == nil {
                try await connection.query("INSERT INTO gantry_locks (environment, token, held) VALUES (\(request.environment), 0, FALSE) ON CONFLICT DO NOTHING", logger: logger)
            }
            let row = try await Self.first(connection.query(Self.lockAndQueueHead(request.environment, window: window, forUpdate: true), logger: logger))
            guard let row else { throw StoreError(.unavailable, "the lock row of \(request.environment) vanished") }
            if let answer = try Self.answerWithoutLocking(row, request) { return answer }
            // A queued waiter leaves the queue in the same statement that hands it the lease.
            // The lease runs from the grant (clock_timestamp()), not from the transaction's
            // start (now()): a takeover that waited for the row lock behind a holder frozen
            // inside a transaction would otherwise be handed a lease already past, which its
            // first renewal could never extend.
            let updated = try await Self.first(connection.query(
                """
                WITH dequeued AS (
                    DELETE FROM gantry_lock_queue WHERE environment = \(request.environment) AND deployment_id = \(request.waiter?.rawValue)
                )
                UPDATE gantry_locks SET token = nextval('gantry_fencing_tokens'), held = TRUE, owner = \(owner),
                    deployment_id = \(request.deploymentID?.rawValue), reason = \(request.reason),
                    acquired_at = c.at, expires_at = c.at + (\(ttl) * interval '1 millisecond')
                FROM (SELECT clock_timestamp() AS at) c
                WHERE environment = \(request.environment) RETURNING gantry_locks.*
                """,
                logger: logger
            ))
            guard let updated, let lease = try Self.lease(updated) else { throw StoreError(.unavailable, "the lease of \(request.environment) was not written") }
            return .acquired(lease)
        }
    }

    /// The environment's lock row, the database's time and the live waiter at the head of its
    /// queue (columns prefixed `queue_`), in one read. The time is the statement's
    /// (clock_timestamp()), not the transaction's start. Read under `FOR UPDATE` after a wait
    /// for the row lock, it may still be from before the wait (PostgreSQL evaluates it again
    /// only when the row changed meanwhile): an older time can only find a lease still held,
    /// never one free too early, and the grant is timed afresh.
    static func lockAndQueueHead(_ environment: String, window: Int64, forUpdate: Bool = false) -> PostgresQuery {
        """
        SELECT l.*, clock_timestamp() AS db_now, q.deployment_id AS queue_deployment_id, q.release AS queue_release, q.owner AS queue_owner,
            q.enqueued_at AS queue_enqueued_at, q.heartbeat_at AS queue_heartbeat_at
        FROM gantry_locks l LEFT JOIN LATERAL (
            SELECT * FROM gantry_lock_queue WHERE environment = l.environment
            AND heartbeat_at >= clock_timestamp() - (\(window) * interval '1 millisecond')
            ORDER BY enqueued_at, deployment_id LIMIT 1
        ) q ON TRUE
        WHERE l.environment = \(environment) \(unescaped: forUpdate ? "FOR UPDATE OF l" : "")
        """
    }

    /// "Held" while the lease is live (and not the one being broken); "queued behind" when it
    /// is free but a live waiter queued before this one; nil when the request may take it.
    static func answerWithoutLocking(_ row: PostgresRandomAccessRow, _ request: LockRequest) throws -> LockAttempt? {
        let now = try row["db_now"].decode(Date.self).millisecondPrecision
        if let lease = try lease(row), lease.expiresAt > now, lease.token != request.breaking {
            return .held(lease)
        }
        if let waiter = request.waiter, let head = try row["queue_deployment_id"].decode(String?.self), head != waiter.rawValue {
            return .queuedBehind(try Self.waiter(row, prefix: "queue_"))
        }
        return nil
    }

    /// Extends a live lease only: one that has expired by the database's clock stays expired,
    /// whatever the holder's clock says. Both are judged when the row is written
    /// (clock_timestamp()), after any wait for its lock.
    package func renewLock(environment: String, token: FencingToken, ttl: Duration, now: Date) async throws(StoreError) -> Lease? {
        let logger = logger
        let milliseconds = ttl.milliseconds
        return try await transaction { connection in
            let row = try await Self.first(connection.query(
                """
                UPDATE gantry_locks SET expires_at = clock_timestamp() + (\(milliseconds) * interval '1 millisecond')
                WHERE environment = \(environment) AND token = \(token.value) AND held AND deployment_id IS NOT NULL AND expires_at > clock_timestamp() RETURNING *
                """,
                logger: logger
            ))
            return try row.flatMap(Self.lease)
        }
    }

    package func enqueue(_ waiter: LockWaiter, environment: String) async throws(StoreError) {
        let owner = try json(waiter.owner)
        let logger = logger
        try await autocommit { connection in
            try await connection.query(
                """
                INSERT INTO gantry_lock_queue (environment, deployment_id, release, owner, enqueued_at, heartbeat_at)
                VALUES (\(environment), \(waiter.deploymentID.rawValue), \(waiter.release), \(owner), clock_timestamp(), clock_timestamp())
                ON CONFLICT (environment, deployment_id) DO UPDATE SET heartbeat_at = clock_timestamp()
                """,
                logger: logger
            )
        }
    }

    package func heartbeat(environment: String, deploymentID: DeploymentID, now: Date) async throws(StoreError) {
        let logger = logger
        try await autocommit { connection in
            try await connection.query(
                "UPDATE gantry_lock_queue SET heartbeat_at = now() WHERE environment = \(environment) AND deployment_id = \(deploymentID.rawValue)",
                logger: logger
            )
        }
    }

    package func dequeue(environment: String, deploymentID: DeploymentID) async throws(StoreError) {
        let logger = logger
        try await autocommit { connection in
            try await connection.query("DELETE FROM gantry_lock_queue WHERE environment = \(environment) AND deployment_id = \(deploymentID.rawValue)", logger: logger)
        }
    }

    /// `liveSince` is read as "heard from within the last (now − liveSince)", measured on the
    /// database's clock.
    package func waiters(environment: String, liveSince: Date) async throws(StoreError) -> [LockWaiter] {
        let window = Self.milliseconds(Date().timeIntervalSince(liveSince))
        let logger = logger
        return try await autocommit { client in
            try await Self.all(client.query(
                """
                SELECT * FROM gantry_lock_queue WHERE environment = \(environment)
                AND heartbeat_at >= now() - (\(window) * interval '1 millisecond') ORDER BY enqueued_at, deployment_id
                """,
                logger: logger
            )).map { try Self.waiter($0) }
        }
    }

    package func releaseLock(environment: String, token: FencingToken) async throws(StoreError) {
        let logger = logger
        try await autocommit { connection in
            try await connection.query("UPDATE gantry_locks SET held = FALSE WHERE environment = \(environment) AND token = \(token.value)", logger: logger)
        }
    }

    /// Woken by the release trigger's notification (LockReleaseListener); the poll interval
    /// still bounds the wait when a notification is missed.
    package func awaitLockRelease(environment: String, waiter: DeploymentID, timeout: Duration, clock: any GantryClock) async throws {
        try await releases.wait(environment: environment, waiter: waiter.rawValue, timeout: timeout, clock: clock)
    }

    /// Waiters of this process parked in `awaitLockRelease`, for tests that must not release
    /// a lease before the waiter is listening.
    package var parkedLockWaiters: Int { releases.parked }

    package func lease(environment: String) async throws(StoreError) -> Lease? {
        let logger = logger
        return try await autocommit { client in
            try await Self.first(client.query("SELECT * FROM gantry_locks WHERE environment = \(environment)", logger: logger)).flatMap(Self.lease)
        }
    }

    package func holdLock(environment: String, token: FencingToken, reason: String) async throws(StoreError) {
        let logger = logger
        let forever = Lease.handHeldUntil
        try await autocommit { connection in
            try await connection.query(
                "UPDATE gantry_locks SET deployment_id = NULL, reason = \(reason), expires_at = \(forever) WHERE environment = \(environment) AND token = \(token.value) AND held",
                logger: logger
            )
        }
    }

    /// Decodes a value, turning a decoding failure into a store error.
    static func decoded<T>(_ body: () throws -> T) throws(StoreError) -> T {
        do {
            return try body()
        } catch {
            throw StoreError(.corrupt, "the PostgreSQL state store holds a lock row gantry cannot read: \(error)")
        }
    }

    static func milliseconds(_ interval: TimeInterval) -> Int64 { Int64((max(0, interval) * 1000).rounded()) }
}
