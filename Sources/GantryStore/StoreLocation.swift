package import GantryCore
import Foundation

/// Where the state lives, parsed from `state:` in the config, `--state` or `GANTRY_STATE`.
package enum StoreLocation: Sendable, Hashable, CustomStringConvertible {
    case sqlite(path: String)
    case postgres(url: String)

    /// Parses `sqlite:PATH` (PATH relative to `directory`) or `postgres://…`.
    package static func parse(_ text: String, relativeTo directory: String) throws(StoreError) -> StoreLocation {
        if text.hasPrefix("sqlite:") {
            var path = String(text.dropFirst("sqlite:".count))
            if path.hasPrefix("//") { path = String(path.dropFirst(2)) }
            guard !path.isEmpty else {
                throw StoreError(.unavailable, "'\(text)' names no file", hint: "write sqlite:.gantry/state.db")
            }
            return .sqlite(path: PathText.join(directory, path))
        }
        if text.hasPrefix("postgres://") || text.hasPrefix("postgresql://") {
            return .postgres(url: text)
        }
        throw StoreError(.unavailable, "'\(text)' is not a state store URL", hint: "write sqlite:PATH or postgres://user@host/db")
    }

    /// Whether state may already live here without opening anything: an SQLite file that
    /// exists, or any PostgreSQL database (a shared store is set up on purpose).
    package var mayHoldState: Bool {
        switch self {
        case .sqlite(let path): FileManager.default.fileExists(atPath: path)
        case .postgres: true
        }
    }

    package var description: String {
        switch self {
        case .sqlite(let path): "sqlite:\(path)"
        case .postgres(let url): URLPassword.extract(from: url).map { url.replacingOccurrences(of: ":\($0)@", with: ":***@") } ?? url
        }
    }

    /// Opens the store. With `create: false` a missing SQLite file, or a PostgreSQL database
    /// without a gantry schema, yields nil: read-only commands report empty state instead of
    /// creating a database. A PostgreSQL URL's `${VAR}` references (the password) are read
    /// from `environment` now.
    ///
    /// `migrate` (by default: `create`) says whether a PostgreSQL schema behind this binary
    /// is brought up to date on first use; `GANTRY_MIGRATE=never` turns that off everywhere.
    /// Commands that only read never migrate: a newer gantry on someone's laptop running
    /// `gantry status` must not move the shared schema past the runners' binaries, which
    /// would then refuse every deploy.
    ///
    /// `owner`, when given, adopts the store before its first use and runs its background
    /// work (`StateStore.run()`) and closes it; without one, a PostgreSQL store runs its own
    /// client until `close()`.
    package func open(create: Bool, migrate: Bool? = nil, environment: [String: String] = ProcessInfo.processInfo.environment, owner: (any StoreOwner)? = nil) async throws(StoreError) -> (any StateStore)? {
        switch self {
        case .sqlite(let path):
            let store = try SQLiteStateStore.open(path: path, create: create)
            if let store, let owner { await owner.adopt(store) }
            return store
        case .postgres(let text):
            let url = try Self.postgresURL(text, environment: environment)
            let reason = create ? "this command does not change the shared schema" : "commands that only read never change the shared schema"
            let store = environment["GANTRY_MIGRATE"] == "never"
                ? try PostgresStateStore(url: url, migrate: false, runsClient: owner == nil)
                : try PostgresStateStore(url: url, migrate: migrate ?? create, noMigrationReason: reason, runsClient: owner == nil)
            if let owner { await owner.adopt(store) }
            guard !create else { return store }
            do {
                if try await store.hasSchema() { return store }
            } catch {
                await store.close()
                await owner?.release(store)
                throw error
            }
            await store.close()
            await owner?.release(store)
            return nil
        }
    }

    /// The PostgreSQL URL with its `${VAR}` references resolved.
    static func postgresURL(_ text: String, environment: [String: String]) throws(StoreError) -> PostgresURL {
        let expanded: String
        do {
            expanded = try Interpolation.expand(text, environment: environment)
        } catch {
            throw StoreError(.unavailable, "state: \(error)", hint: "export the variable that holds the database password")
        }
        do {
            return try PostgresURL.parse(expanded)
        } catch {
            throw StoreError(.unavailable, "state: \(error.message)")
        }
    }
}
