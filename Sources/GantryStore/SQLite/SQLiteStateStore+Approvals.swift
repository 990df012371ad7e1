package import GantryCore
import GRDB

/// Signed approvals (`gantry approve`), kept as given: a deploy's check decides what counts.
extension SQLiteStateStore {
    package func addApproval(_ approval: Approval) async throws(StoreError) {
        try write { db in
            try db.execute(
                sql: """
                    INSERT INTO approvals (environment, release, statement, signature, recorded_at) VALUES (?, ?, ?, ?, ?)
                    ON CONFLICT (signature) DO NOTHING
                    """,
                arguments: [approval.environment, approval.release, approval.statement, approval.signature, Self.millis(approval.recordedAt)]
            )
        }
    }

    package func approvals(environment: String, release: String?, limit: Int) async throws(StoreError) -> [Approval] {
        try read { db in
            try Row.fetchAll(
                db,
                sql: "SELECT * FROM approvals WHERE environment = ? AND (? IS NULL OR release = ?) ORDER BY recorded_at DESC, id DESC LIMIT ?",
                arguments: [environment, release, release, limit]
            ).map {
                Approval(
                    environment: $0["environment"], release: $0["release"], statement: $0["statement"], signature: $0["signature"],
                    recordedAt: Self.date($0["recorded_at"])
                )
            }
        }
    }
}
