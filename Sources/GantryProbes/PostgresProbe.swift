import Foundation
import GantryCore
import Logging
import NIOCore
import NIOPosix
import NIOSSL
import PostgresNIO

/// A real PostgreSQL session: connect and authenticate, make the session read-only, run
/// `SELECT 1` (or the configured query), and report the server version.
enum PostgresProbe {
    static func run(_ config: PostgresProbeConfig, timeout: Duration, logger: Logger) async -> ProbeVerdict {
        let url: PostgresURL
        do {
            url = try PostgresURL.parse(config.url)
        } catch {
            return .fail(error.message)
        }
        let target = "\(url.host):\(url.port)"
        let tls: PostgresConnection.Configuration.TLS
        do {
            let mode = config.tls ? "require" : (url.sslMode ?? "disable")
            switch mode {
            case "disable", "allow": tls = .disable
            case "prefer": tls = .prefer(try NIOSSLContext(configuration: .makeClientConfiguration()))
            default: tls = .require(try NIOSSLContext(configuration: .makeClientConfiguration()))
            }
        } catch {
            return .fail("TLS setup failed: \(error)")
        }
        var configuration = PostgresConnection.Configuration(
            host: url.host, port: url.port, username: url.user, password: url.password, database: url.database, tls: tls
        )
        configuration.options.connectTimeout = .milliseconds(timeout.milliseconds)
        let started = ContinuousClock.now
        let connection: PostgresConnection
        do {
            connection = try await PostgresConnection.connect(configuration: configuration, id: 1, logger: logger)
        } catch {
            return .fail(describe(error, target: target, user: url.user))
        }
        do {
            try await connection.query("SET default_transaction_read_only = on", logger: logger)
            var version = "?"
            for try await (text) in try await connection.query("SHOW server_version", logger: logger).decode(String.self) {
                version = text
            }
            var rows = 0
            for try await _ in try await connection.query(PostgresQuery(unsafeSQL: config.query ?? "SELECT 1"), logger: logger) {
                rows += 1
            }
            try? await connection.close()
            let latency = DurationText.format(ContinuousClock.now - started)
            return .pass("PostgreSQL \(version) at \(target), \(rows) row\(rows == 1 ? "" : "s") in \(latency)")
        } catch {
            try? await connection.close()
            return .fail(describe(error, target: target, user: url.user))
        }
    }

    static func describe(_ error: any Error, target: String, user: String) -> String {
        if let error = error as? PSQLError {
            if let server = error.serverInfo, let message = server[.message] {
                let code = server[.sqlState] ?? ""
                if code == "28P01" || code == "28000" { return "authentication failed for user \(user) at \(target)" }
                return "PostgreSQL at \(target): \(message)\(code.isEmpty ? "" : " (SQLSTATE \(code))")"
            }
            if let underlying = error.underlying { return ErrorText.describe(underlying, target: target) }
            return "PostgreSQL at \(target): \(error.code)"
        }
        return ErrorText.describe(error, target: target)
    }
}
