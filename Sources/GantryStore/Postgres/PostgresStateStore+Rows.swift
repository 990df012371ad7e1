import Foundation
import GantryCore
import PostgresNIO

/// Row mapping for the PostgreSQL store.
extension PostgresStateStore {
    func json(_ value: some Encodable) throws(StoreError) -> String {
        do {
            return try StoreJSON.encode(value)
        } catch {
            throw StoreError(.unavailable, "cannot encode a record for the state store: \(error)")
        }
    }

    static func all(_ rows: PostgresRowSequence) async throws -> [PostgresRandomAccessRow] {
        var result: [PostgresRandomAccessRow] = []
        for try await row in rows { result.append(row.makeRandomAccess()) }
        return result
    }

    static func first(_ rows: PostgresRowSequence) async throws -> PostgresRandomAccessRow? {
        try await all(rows).first
    }

    static func environment(_ row: PostgresRandomAccessRow) throws -> EnvironmentState {
        EnvironmentState(
            name: try row["name"].decode(String.self), current: try row["current_release"].decode(String?.self),
            lastGood: try row["last_good_release"].decode(String?.self),
            currentDeploymentID: try row["current_deployment_id"].decode(String?.self).map(DeploymentID.init(rawValue:)),
            updatedAt: try row["updated_at"].decode(Date?.self)?.millisecondPrecision,
            freeze: try row["frozen_reason"].decode(String?.self).map {
                EnvironmentState.Freeze(reason: $0, by: try row["frozen_by"].decode(String?.self) ?? "?", at: try row["frozen_at"].decode(Date?.self)?.millisecondPrecision ?? Date(timeIntervalSince1970: 0))
            },
            breakerResetAt: try row["breaker_reset_at"].decode(Date?.self)?.millisecondPrecision
        )
    }

    static func deployment(_ row: PostgresRandomAccessRow) throws -> DeploymentRecord {
        var record = DeploymentRecord(
            id: DeploymentID(rawValue: try row["id"].decode(String.self)), environment: try row["environment"].decode(String.self),
            release: try row["release"].decode(String.self), kind: DeploymentRecord.Kind(rawValue: try row["kind"].decode(String.self)) ?? .deploy,
            outcome: try row["outcome"].decode(String?.self).flatMap(Outcome.init(rawValue:)), reason: try row["reason"].decode(String?.self),
            reasonCode: row.contains("reason_code") ? try row["reason_code"].decode(String?.self).flatMap(ReasonCode.init(rawValue:)) : nil,
            startedAt: try row["started_at"].decode(Date.self).millisecondPrecision, finishedAt: try row["finished_at"].decode(Date?.self)?.millisecondPrecision,
            origin: try StoreJSON.decode(Origin.self, row["origin"].decode(String.self)), forced: try row["forced"].decode(Bool.self)
        )
        record.breakGlass = try row.contains("break_glass") ? row["break_glass"].decode(String?.self) : nil
        record.storeFinishedAt = try row.contains("store_finished_at") ? row["store_finished_at"].decode(Date?.self)?.millisecondPrecision : nil
        return record
    }

    static func lease(_ row: PostgresRandomAccessRow) throws -> Lease? {
        guard try row["held"].decode(Bool.self), let owner = try row["owner"].decode(String?.self),
              let acquired = try row["acquired_at"].decode(Date?.self)?.millisecondPrecision, let expires = try row["expires_at"].decode(Date?.self)?.millisecondPrecision
        else { return nil }
        return Lease(
            environment: try row["environment"].decode(String.self), token: FencingToken(try row["token"].decode(Int64.self)),
            owner: try StoreJSON.decode(Origin.self, owner), deploymentID: try row["deployment_id"].decode(String?.self).map(DeploymentID.init(rawValue:)),
            reason: try row["reason"].decode(String?.self), acquiredAt: acquired, expiresAt: expires
        )
    }

    /// A queue row; `prefix` names its columns when they come joined to a lock row.
    static func waiter(_ row: PostgresRandomAccessRow, prefix: String = "") throws -> LockWaiter {
        LockWaiter(
            deploymentID: DeploymentID(rawValue: try row[prefix + "deployment_id"].decode(String.self)), release: try row[prefix + "release"].decode(String.self),
            owner: try StoreJSON.decode(Origin.self, row[prefix + "owner"].decode(String.self)),
            enqueuedAt: try row[prefix + "enqueued_at"].decode(Date.self).millisecondPrecision, heartbeatAt: try row[prefix + "heartbeat_at"].decode(Date.self).millisecondPrecision
        )
    }
}
