import GantryCore
import Foundation
import GRDB

/// Row mapping and error translation for the SQLite store.
extension SQLiteStateStore {
    func read<T>(_ body: (Database) throws -> T) throws(StoreError) -> T {
        do {
            return try queue.read(body)
        } catch let error as StoreError {
            throw error
        } catch {
            throw Self.translate(error, path: path)
        }
    }

    func write<T>(_ body: (Database) throws -> T) throws(StoreError) -> T {
        do {
            return try queue.write(body)
        } catch let error as StoreError {
            throw error
        } catch {
            throw Self.translate(error, path: path)
        }
    }

    static func translate(_ error: any Error, path: String) -> StoreError {
        guard let error = error as? DatabaseError else {
            return StoreError(.unavailable, "state database \(path): \(error)")
        }
        let detail = error.message ?? "\(error.resultCode)"
        switch error.resultCode {
        case .SQLITE_BUSY, .SQLITE_LOCKED:
            return StoreError(.busy, "the state database \(path) stayed locked by another process: \(detail)",
                              hint: "another gantry may be writing; retry, or find the process holding the file")
        case .SQLITE_NOTADB, .SQLITE_CORRUPT:
            return StoreError(.corrupt, "\(path) is not a usable gantry state database: \(detail)",
                              hint: "restore it from a backup, or move it aside to start with empty state")
        case .SQLITE_CANTOPEN, .SQLITE_PERM, .SQLITE_READONLY, .SQLITE_IOERR, .SQLITE_FULL:
            return StoreError(.unavailable, "cannot use the state database \(path): \(detail)",
                              hint: "check that the path exists and this user may write it")
        default:
            return StoreError(.unavailable, "state database \(path): \(detail)")
        }
    }

    /// Fails the transaction when `token` is not the environment's current, held lease.
    static func requireToken(_ db: Database, environment: String, token: FencingToken) throws {
        let row = try Row.fetchOne(db, sql: "SELECT token, held FROM locks WHERE environment = ?", arguments: [environment])
        let current: Int64? = row?["token"]
        let held: Bool = row?["held"] ?? false
        guard let current, current == token.value, held else {
            throw StoreError(
                .staleToken,
                "write to \(environment) rejected: lease \(token) is no longer current (current: \(current.map(String.init) ?? "none"))",
                hint: "another deployment took over this environment's lease; this one must stop"
            )
        }
    }

    static func environment(of id: DeploymentID, _ db: Database) throws -> String {
        guard let environment = try String.fetchOne(db, sql: "SELECT environment FROM deployments WHERE id = ?", arguments: [id.rawValue]) else {
            throw StoreError(.notFound, "no deployment \(id)")
        }
        return environment
    }

    static func environment(_ row: Row) -> EnvironmentState {
        EnvironmentState(
            name: row["name"], current: row["current_release"], lastGood: row["last_good_release"],
            currentDeploymentID: (row["current_deployment_id"] as String?).map(DeploymentID.init(rawValue:)),
            updatedAt: (row["updated_at"] as Int64?).map(date),
            freeze: (row["frozen_reason"] as String?).map {
                EnvironmentState.Freeze(reason: $0, by: row["frozen_by"] ?? "?", at: date(row["frozen_at"] ?? 0))
            },
            breakerResetAt: (row["breaker_reset_at"] as Int64?).map(date)
        )
    }

    static func deployment(_ row: Row) throws -> DeploymentRecord {
        var record = DeploymentRecord(
            id: DeploymentID(rawValue: row["id"]), environment: row["environment"], release: row["release"],
            kind: DeploymentRecord.Kind(rawValue: row["kind"]) ?? .deploy,
            outcome: (row["outcome"] as String?).flatMap(Outcome.init(rawValue:)), reason: row["reason"],
            reasonCode: row.hasColumn("reason_code") ? (row["reason_code"] as String?).flatMap(ReasonCode.init(rawValue:)) : nil,
            startedAt: date(row["started_at"]), finishedAt: (row["finished_at"] as Int64?).map(date),
            origin: try decode(Origin.self, row["origin"]), forced: row["forced"]
        )
        record.breakGlass = row.hasColumn("break_glass") ? row["break_glass"] as String? : nil
        return record
    }

    static func lease(_ row: Row) throws -> Lease? {
        guard row["held"] as Bool, let owner = row["owner"] as String? else { return nil }
        return Lease(
            environment: row["environment"], token: FencingToken(row["token"]), owner: try decode(Origin.self, owner),
            deploymentID: (row["deployment_id"] as String?).map(DeploymentID.init(rawValue:)), reason: row["reason"],
            acquiredAt: date(row["acquired_at"]), expiresAt: date(row["expires_at"])
        )
    }

    static func waiter(_ row: Row) throws -> LockWaiter {
        LockWaiter(
            deploymentID: DeploymentID(rawValue: row["deployment_id"]), release: row["release"],
            owner: try decode(Origin.self, row["owner"]), enqueuedAt: date(row["enqueued_at"]), heartbeatAt: date(row["heartbeat_at"])
        )
    }

    static func millis(_ date: Date) -> Int64 { Int64((date.timeIntervalSince1970 * 1000).rounded()) }
    static func date(_ millis: Int64) -> Date { Date(timeIntervalSince1970: Double(millis) / 1000) }

    static func json(_ value: some Encodable) throws -> String { try StoreJSON.encode(value) }

    static func decode<T: Decodable>(_ type: T.Type, _ text: String) throws -> T { try StoreJSON.decode(type, text) }
}
