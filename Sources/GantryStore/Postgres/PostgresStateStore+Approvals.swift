import Foundation
package import GantryCore
import PostgresNIO

/// Signed approvals (`gantry approve`), kept as given: a deploy's check decides what counts.
extension PostgresStateStore {
    package func addApproval(_ approval: Approval) async throws(StoreError) {
        let logger = logger
        try await transaction { connection in
            try await connection.query(
                """
                INSERT INTO gantry_approvals (environment, release, statement, signature, recorded_at)
                VALUES (\(approval.environment), \(approval.release), \(approval.statement), \(approval.signature), \(approval.recordedAt))
                ON CONFLICT ((md5(signature))) DO NOTHING
                """,
                logger: logger
            )
        }
    }

    package func approvals(environment: String, release: String?, limit: Int) async throws(StoreError) -> [Approval] {
        let logger = logger
        let limit = Int64(limit)
        return try await autocommit { connection in
            try await Self.all(connection.query(
                """
                SELECT * FROM gantry_approvals WHERE environment = \(environment) AND (\(release)::text IS NULL OR release = \(release))
                ORDER BY recorded_at DESC, id DESC LIMIT \(limit)
                """,
                logger: logger
            )).map {
                Approval(
                    environment: try $0["environment"].decode(String.self), release: try $0["release"].decode(String.self),
                    statement: try $0["statement"].decode(String.self), signature: try $0["signature"].decode(String.self),
                    recordedAt: try $0["recorded_at"].decode(Date.self).millisecondPrecision
                )
            }
        }
    }
}
