import Foundation
package import GantryCore
import GRDB

extension StoreLocation {
    /// Brings the store's schema up to date now (`gantry migrate`), under the store's own
    /// migration lock, and says from which version to which: the count of migrations applied
    /// before and after. A store written by a newer gantry is refused.
    package func migrate(environment: [String: String] = ProcessInfo.processInfo.environment) async throws(StoreError) -> (from: Int, to: Int) {
        switch self {
        case .sqlite(let path):
            let before = try Self.sqliteVersion(path)
            guard try SQLiteStateStore.open(path: path, create: true) != nil else { throw StoreError(.unavailable, "\(path) could not be opened") }
            return (before, try Self.sqliteVersion(path))
        case .postgres(let text):
            let store = try PostgresStateStore(url: try Self.postgresURL(text, environment: environment), migrate: true)
            do {
                let versions = try await store.migrate()
                await store.close()
                return versions
            } catch {
                await store.close()
                throw error
            }
        }
    }

    /// How many of the embedded schema's migrations the file at `path` has; 0 when there is
    /// no file yet.
    static func sqliteVersion(_ path: String) throws(StoreError) -> Int {
        guard FileManager.default.fileExists(atPath: path) else { return 0 }
        do {
            var configuration = Configuration()
            configuration.readonly = true
            let queue = try DatabaseQueue(path: path, configuration: configuration)
            return try queue.read { db in try SQLiteSchema.migrator.appliedMigrations(db).count }
        } catch {
            throw SQLiteStateStore.translate(error, path: path)
        }
    }
}
