/// A state store failure, with what to do about it.
package struct StoreError: Error, Sendable, CustomStringConvertible {
    package enum Code: String, Sendable {
        /// The store cannot be opened or read (missing directory, permissions, bad URL).
        case unavailable
        /// Another process holds the database longer than the busy timeout.
        case busy
        /// The file is not a Gantry database, or is damaged.
        case corrupt
        /// The database was written by a newer gantry.
        case tooNew
        /// A write carried a fencing token older than the environment's current lease.
        case staleToken
        /// A write named a deployment that does not exist.
        case notFound
    }

    package var code: Code
    package var message: String
    package var hint: String?

    package init(_ code: Code, _ message: String, hint: String? = nil) {
        self.code = code
        self.message = message
        self.hint = hint
    }

    package var description: String {
        hint.map { "\(message) (\($0))" } ?? message
    }
}
