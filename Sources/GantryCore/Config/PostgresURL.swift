import Foundation

/// The parts of a `postgres://user:password@host:port/database?sslmode=…` URL, as a check and
/// the PostgreSQL state store take it. Parsing never echoes a password back in an error.
public struct PostgresURL: Sendable, Hashable {
    public var user: String
    public var password: String?
    public var host: String
    public var port: Int
    public var database: String?
    public var sslMode: String?

    public struct Invalid: Error, Sendable {
        public var message: String
    }

    public static func parse(_ text: String) throws(Invalid) -> PostgresURL {
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
