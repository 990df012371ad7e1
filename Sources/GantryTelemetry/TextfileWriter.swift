import Foundation
import SystemPackage

/// Writes metrics for node_exporter's textfile collector: to a temporary file in the same
/// directory (its name does not end in `.prom`, so the collector ignores it), flushed to
/// disk, then renamed over the target. A scrape sees the old file or the new one, never half.
package enum TextfileWriter {
    package struct Failure: Error, CustomStringConvertible {
        package var description: String
    }

    package static func write(_ bytes: [UInt8], to path: String) throws(Failure) {
        let temporary = "\(path).\(getpid()).tmp"
        let file: FileDescriptor
        do {
            file = try FileDescriptor.open(temporary, .writeOnly, options: [.create, .truncate, .closeOnExec], permissions: FilePermissions(rawValue: 0o644))
        } catch {
            throw Failure(description: "cannot write \(temporary): \(error)")
        }
        do {
            try file.closeAfter {
                _ = try file.writeAll(bytes)
                if fsync(file.rawValue) != 0 { throw Errno(rawValue: errno) }
            }
        } catch {
            unlink(temporary)
            throw Failure(description: "cannot write \(temporary): \(error)")
        }
        guard rename(temporary, path) == 0 else {
            let reason = String(cString: strerror(errno))
            unlink(temporary)
            throw Failure(description: "cannot rename \(temporary) to \(path): \(reason)")
        }
    }
}
