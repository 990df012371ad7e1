import Foundation
import GantryCore
import GantryStore
import Logging
import PostgresNIO

/// Creates an empty database per test on the server scripts/test starts, so every contract
/// test starts from nothing, as it does on SQLite.
enum PostgresTestDatabase {
    struct NotConfigured: Error, CustomStringConvertible {
        var description: String { "GANTRY_TEST_STATE_POSTGRES_URL is not set: run scripts/test, which starts PostgreSQL" }
    }

    static var url: PostgresURL {
        get throws {
            guard let text = ProcessInfo.processInfo.environment["GANTRY_TEST_STATE_POSTGRES_URL"] else { throw NotConfigured() }
            return try PostgresURL.parse(text)
        }
    }

    /// A new, empty database; returns its URL.
    static func createURL() async throws -> PostgresURL {
        var url = try url
        let name = "gantry_test_\(UUID().uuidString.lowercased().replacingOccurrences(of: "-", with: ""))"
        let configuration = PostgresConnection.Configuration(
            host: url.host, port: url.port, username: url.user, password: url.password, database: url.database, tls: .disable
        )
        let logger = Logger(label: "gantry.tests.postgres")
        let connection = try await PostgresConnection.connect(configuration: configuration, id: 1, logger: logger)
        // Closed on every path: postgres-nio traps on a connection dropped unclosed, which a
        // server restarted by a test running beside this one would otherwise cause.
        do {
            try await connection.query(PostgresQuery(unsafeSQL: "CREATE DATABASE \(name)"), logger: logger)
        } catch {
            try? await connection.close()
            throw error
        }
        try? await connection.close()
        url.database = name
        return url
    }

    /// A plain connection to the database at `url`, for looking behind the store's back.
    static func connect(_ url: PostgresURL) async throws -> (PostgresConnection, Logger) {
        let logger = Logger(label: "gantry.tests")
        let configuration = PostgresConnection.Configuration(
            host: url.host, port: url.port, username: url.user, password: url.password, database: url.database, tls: .disable
        )
        return (try await PostgresConnection.connect(configuration: configuration, id: 1, logger: logger), logger)
    }

    static func create() async throws -> PostgresStateStore {
        try PostgresStateStore(url: try await createURL())
    }
}
