import Foundation

/// The parts of a `postgres://user:password@host:port/database?sslmode=…` URL, as a check and
/// the PostgreSQL state store take it. Parsing never echoes a password back in an error.
package struct PostgresURL: Sendable, Hashable {
    package var user: String
    package var password: String?
    package var host: String
    package var port: Int
    package var database: String?
    package var sslMode: String?

    package struct Invalid: Error, Sendable {
        package var message: String
    }

    package static func parse(_ text: String) throws(Invalid) -> PostgresURL {
        guard let components = URLComponents(string: text), ["postgres", "postgresql"].contains(components.scheme ?? ""),
              let host = components.host, !host.isEmpty
        else { throw Invalid(message: "'\(URLPassword.extract(from: text).map { text.replacingOccurrences(of: $0, with: "***") } ?? text)' is not a postgres://user@host/db URL") }
        let database = components.path.hasPrefix("/") ? String(components.path.dropFirst()) : components.path
        return PostgresURL(
            user: components.user?.removingPercentEncoding ?? "postgres", password: components.password?.removingPercentEncoding,
            host: host, port: components.port ?? 5432, database: database.isEmpty ? nil : database,
            sslMode: components.queryItems?.first { $0.name == "sslmode" }?.value
        )
    }
}
