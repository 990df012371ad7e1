public import Foundation
public import GantryCore
import PostgresNIO

/// Leases and the queue, judged by the database's clock. Durations a caller expresses as
/// dates in its own clock (a waiter's liveness window) are turned into intervals first, so
/// only their length matters, never the runner's time of day.
extension PostgresStateStore {
    public func tryAcquireLock(_ request: LockRequest) async throws(StoreError) -> LockAttempt {
        let owner = try json(request.owner)
        let window = request.waitersLiveSince.map { Self.milliseconds(request.now.timeIntervalSince($0)) }
        let ttl = request.ttl.milliseconds
        let logger = logger
        // Waiters poll often: a lease that is plainly held is answered from an unlocked
        // read, so they do not queue on the row lock the holder's writes need.
        let glance = try await autocommit { client in
            try await Self.first(client.query("SELECT *, now() AS db_now FROM gantry_locks WHERE environment = \(request.environment)", logger: logger))
        }
        if let glance, let lease = try Self.decoded({ try Self.lease(glance) }), lease.token != request.breaking,
           lease.expiresAt > (try Self.decoded { try glance["db_now"].decode(Date.self) }) {
            return .held(lease)
        }
        return try await transaction { connection in
            try await connection.query("INSERT INTO gantry_locks (environment, token, held) VALUES (\(request.environment), 0, FALSE) ON CONFLICT DO NOTHING", logger: logger)
            let row = try await Self.first(connection.query("SELECT *, now() AS db_now FROM gantry_locks WHERE environment = \(request.environment) FOR UPDATE", logger: logger))
            guard let row else { throw StoreError(.unavailable, "the lock row of \(request.environment) vanished") }
            let now = try row["db_now"].decode(Date.self).millisecondPrecision
            if let lease = try Self.lease(row), lease.expiresAt > now, lease.token != request.breaking {
                return .held(lease)
            }
            if let waiter = request.waiter {
                let head = try await Self.first(connection.query(
                    """
                    SELECT * FROM gantry_lock_queue WHERE environment = \(request.environment)
                    AND heartbeat_at >= now() - (\(window ?? 0) * interval '1 millisecond')
                    ORDER BY enqueued_at, deployment_id LIMIT 1
                    """,
                    logger: logger
                ))
                if let head, try head["deployment_id"].decode(String.self) != waiter.rawValue {
                    return .queuedBehind(try Self.waiter(head))
                }
            }
            let updated = try await Self.first(connection.query(
                """
                UPDATE gantry_locks SET token = nextval('gantry_fencing_tokens'), held = TRUE, owner = \(owner),
                    deployment_id = \(request.deploymentID?.rawValue), reason = \(request.reason),
                    acquired_at = now(), expires_at = now() + (\(ttl) * interval '1 millisecond')
                WHERE environment = \(request.environment) RETURNING *
                """,
                logger: logger
            ))
            guard let updated, let lease = try Self.lease(updated) else { throw StoreError(.unavailable, "the lease of \(request.environment) was not written") }
            return .acquired(lease)
        }
    }

    /// Extends a live lease only: one that has expired by the database's clock stays expired,
    /// whatever the holder's clock says.
    public func renewLock(environment: String, token: FencingToken, ttl: Duration, now: Date) async throws(StoreError) -> Lease? {
        let logger = logger
        let milliseconds = ttl.milliseconds
        return try await transaction { connection in
            let row = try await Self.first(connection.query(
                """
                UPDATE gantry_locks SET expires_at = now() + (\(milliseconds) * interval '1 millisecond')
                WHERE environment = \(environment) AND token = \(token.value) AND held AND expires_at > now() RETURNING *
                """,
                logger: logger
            ))
            return try row.flatMap(Self.lease)
        }
    }

    public func enqueue(_ waiter: LockWaiter, environment: String) async throws(StoreError) {
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

    public func heartbeat(environment: String, deploymentID: DeploymentID, now: Date) async throws(StoreError) {
        let logger = logger
        try await autocommit { connection in
            try await connection.query(
                "UPDATE gantry_lock_queue SET heartbeat_at = now() WHERE environment = \(environment) AND deployment_id = \(deploymentID.rawValue)",
                logger: logger
            )
        }
    }

    public func dequeue(environment: String, deploymentID: DeploymentID) async throws(StoreError) {
        let logger = logger
        try await autocommit { connection in
            try await connection.query("DELETE FROM gantry_lock_queue WHERE environment = \(environment) AND deployment_id = \(deploymentID.rawValue)", logger: logger)
        }
    }

    /// `liveSince` is read as "heard from within the last (now − liveSince)", measured on the
    /// database's clock.
    public func waiters(environment: String, liveSince: Date) async throws(StoreError) -> [LockWaiter] {
        let window = Self.milliseconds(Date().timeIntervalSince(liveSince))
        let logger = logger
        return try await autocommit { client in
            try await Self.all(client.query(
                """
                SELECT * FROM gantry_lock_queue WHERE environment = \(environment)
                AND heartbeat_at >= now() - (\(window) * interval '1 millisecond') ORDER BY enqueued_at, deployment_id
                """,
                logger: logger
            )).map(Self.waiter)
        }
    }

    public func releaseLock(environment: String, token: FencingToken) async throws(StoreError) {
        let logger = logger
        try await autocommit { connection in
            try await connection.query("UPDATE gantry_locks SET held = FALSE WHERE environment = \(environment) AND token = \(token.value)", logger: logger)
        }
    }

    public func lease(environment: String) async throws(StoreError) -> Lease? {
        let logger = logger
        return try await autocommit { client in
            try await Self.first(client.query("SELECT * FROM gantry_locks WHERE environment = \(environment)", logger: logger)).flatMap(Self.lease)
        }
    }

    public func holdLock(environment: String, token: FencingToken, reason: String) async throws(StoreError) {
        let logger = logger
        let forever = Date.distantFuture
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
