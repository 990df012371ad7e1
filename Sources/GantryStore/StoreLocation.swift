public import GantryCore
import Foundation

/// Where the state lives, parsed from `state:` in the config, `--state` or `GANTRY_STATE`.
public enum StoreLocation: Sendable, Hashable, CustomStringConvertible {
    case sqlite(path: String)
    case postgres(url: String)

    /// Parses `sqlite:PATH` (PATH relative to `directory`) or `postgres://…`.
    public static func parse(_ text: String, relativeTo directory: String) throws(StoreError) -> StoreLocation {
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

    public var description: String {
        switch self {
        case .sqlite(let path): "sqlite:\(path)"
        case .postgres(let url): URLPassword.extract(from: url).map { url.replacingOccurrences(of: ":\($0)@", with: ":***@") } ?? url
        }
    }

    /// Opens the store. With `create: false` a missing SQLite file yields nil: read-only
    /// commands report empty state instead of creating a database.
    public func open(create: Bool) throws(StoreError) -> (any StateStore)? {
        switch self {
        case .sqlite(let path):
            return try SQLiteStateStore.open(path: path, create: create)
        case .postgres:
            throw StoreError(.unavailable, "the PostgreSQL state store is not available in this version of gantry",
                             hint: "use state: sqlite:.gantry/state.db")
        }
    }
}
