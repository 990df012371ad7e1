package import Foundation
package import GantryCore
import PostgresNIO

/// The notification outbox: each item a JSON document, with the columns its queries need.
/// A claim skips rows another process has locked, so two deliverers never take one item.
extension PostgresStateStore {
    package func enqueueNotifications(_ items: [OutboxItem]) async throws(StoreError) {
        guard !items.isEmpty else { return }
        var rows: [(String, String, Date, String)] = []
        for item in items { rows.append((item.key, item.deploymentID.rawValue, item.nextAttemptAt, try json(item))) }
        let logger = logger
        let written = rows
        try await transaction { connection in
            for (key, deployment, next, item) in written {
                try await connection.query(
                    "INSERT INTO gantry_outbox (key, deployment_id, next_attempt_at, pending, item) VALUES (\(key), \(deployment), \(next), TRUE, \(item)) ON CONFLICT (key) DO NOTHING",
                    logger: logger
                )
            }
        }
    }

    package func claimNotifications(dueAt now: Date, until: Date, limit: Int) async throws(StoreError) -> [OutboxItem] {
        let logger = logger
        return try await transaction { connection in
            let rows = try await Self.all(connection.query(
                "SELECT id, item FROM gantry_outbox WHERE pending AND next_attempt_at <= \(now) ORDER BY id LIMIT \(limit) FOR UPDATE SKIP LOCKED",
                logger: logger
            ))
            var claimed: [OutboxItem] = []
            for row in rows {
                var item = try StoreJSON.decode(OutboxItem.self, try row["item"].decode(String.self))
                item.attempts += 1
                item.nextAttemptAt = until
                let text = try StoreJSON.encode(item)
                let id = try row["id"].decode(Int64.self)
                try await connection.query("UPDATE gantry_outbox SET next_attempt_at = \(until), item = \(text) WHERE id = \(id)", logger: logger)
                claimed.append(item)
            }
            return claimed
        }
    }

    package func settleNotification(_ item: OutboxItem) async throws(StoreError) {
        let pending = item.deliveredAt == nil && item.attempts < DeliveryBackoff.maxAttempts
        let text = try json(item)
        let logger = logger
        try await autocommit { client in
            try await client.query(
                "UPDATE gantry_outbox SET next_attempt_at = \(item.nextAttemptAt), pending = \(pending), item = \(text) WHERE key = \(item.key)",
                logger: logger
            )
        }
    }

    package func notifications(of deployment: DeploymentID) async throws(StoreError) -> [OutboxItem] {
        let logger = logger
        return try await autocommit { client in
            try await Self.all(client.query("SELECT item FROM gantry_outbox WHERE deployment_id = \(deployment.rawValue) ORDER BY id", logger: logger)).map { row in
                try StoreJSON.decode(OutboxItem.self, try row["item"].decode(String.self))
            }
        }
    }
}
