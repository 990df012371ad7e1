package import Foundation
package import GantryCore
import GRDB

/// The notification outbox: each item a JSON document, with the columns its queries need.
extension SQLiteStateStore {
    package func enqueueNotifications(_ items: [OutboxItem]) async throws(StoreError) {
        guard !items.isEmpty else { return }
        try write { db in
            for item in items {
                try db.execute(
                    sql: "INSERT OR IGNORE INTO outbox (key, deployment_id, next_attempt_at, pending, item) VALUES (?, ?, ?, 1, ?)",
                    arguments: [item.key, item.deploymentID.rawValue, Self.millis(item.nextAttemptAt), try Self.json(item)]
                )
            }
        }
    }

    package func claimNotifications(dueAt now: Date, until: Date, limit: Int) async throws(StoreError) -> [OutboxItem] {
        try write { db in
            let rows = try Row.fetchAll(
                db, sql: "SELECT id, item FROM outbox WHERE pending = 1 AND next_attempt_at <= ? ORDER BY id LIMIT ?",
                arguments: [Self.millis(now), limit]
            )
            var claimed: [OutboxItem] = []
            for row in rows {
                var item = try StoreJSON.decode(OutboxItem.self, row["item"] as String)
                item.attempts += 1
                item.nextAttemptAt = until
                try db.execute(
                    sql: "UPDATE outbox SET next_attempt_at = ?, item = ? WHERE id = ?",
                    arguments: [Self.millis(until), try Self.json(item), row["id"] as Int64]
                )
                claimed.append(item)
            }
            return claimed
        }
    }

    package func settleNotification(_ item: OutboxItem) async throws(StoreError) {
        let pending = item.deliveredAt == nil && item.attempts < DeliveryBackoff.maxAttempts
        try write { db in
            try db.execute(
                sql: "UPDATE outbox SET next_attempt_at = ?, pending = ?, item = ? WHERE key = ?",
                arguments: [Self.millis(item.nextAttemptAt), pending, try Self.json(item), item.key]
            )
        }
    }

    package func notifications(of deployment: DeploymentID) async throws(StoreError) -> [OutboxItem] {
        try read { db in
            try String.fetchAll(db, sql: "SELECT item FROM outbox WHERE deployment_id = ? ORDER BY id", arguments: [deployment.rawValue])
                .map { text in try StoreJSON.decode(OutboxItem.self, text) }
        }
    }
}
