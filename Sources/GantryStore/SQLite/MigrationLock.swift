import Foundation
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// An advisory lock (flock) on a file beside the database. A process that may create or
/// migrate the database holds it exclusively from before the file exists until the schema is
/// current, so concurrent first runs do not both create the same tables, and a reader that
/// finds the file waits for the migration instead of reading a half-made schema.
enum MigrationLock {
    /// Runs `body` holding the lock exclusively, creating the lock file if needed.
    static func holding<T>(_ path: String, _ body: () throws -> T) throws -> T {
        let descriptor = open(path, O_CREAT | O_RDWR | O_CLOEXEC, 0o644)
        guard descriptor >= 0 else { return try body() }
        defer { close(descriptor) }
        while flock(descriptor, LOCK_EX) != 0, errno == EINTR {}
        defer { flock(descriptor, LOCK_UN) }
        return try body()
    }

    /// Waits until no process holds the lock exclusively. Creates nothing: without a lock
    /// file no migration has run and none is running.
    static func awaitMigration(_ path: String) {
        let descriptor = open(path, O_RDONLY | O_CLOEXEC)
        guard descriptor >= 0 else { return }
        defer { close(descriptor) }
        while flock(descriptor, LOCK_SH) != 0, errno == EINTR {}
        flock(descriptor, LOCK_UN)
    }
}
