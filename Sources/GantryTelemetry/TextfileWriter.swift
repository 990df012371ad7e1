import Foundation

/// Writes metrics for node_exporter's textfile collector: to a temporary file in the same
/// directory (its name does not end in `.prom`, so the collector ignores it), flushed to
/// disk, then renamed over the target. A scrape sees the old file or the new one, never half.
package enum TextfileWriter {
    package struct Failure: Error, CustomStringConvertible {
        package var description: String
    }

    package static func write(_ bytes: [UInt8], to path: String) throws(Failure) {
        let temporary = "\(path).\(getpid()).tmp"
        let descriptor = open(temporary, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0o644)
        guard descriptor >= 0 else { throw Failure(description: "cannot write \(temporary): \(String(cString: strerror(errno)))") }
        var written = 0
        var failed: Int32 = 0
        bytes.withUnsafeBytes { buffer in
            while written < buffer.count {
                let n = Foundation.write(descriptor, buffer.baseAddress! + written, buffer.count - written)
                if n < 0 {
                    if errno == EINTR { continue }
                    failed = errno
                    return
                }
                written += n
            }
        }
        if failed == 0, fsync(descriptor) != 0 { failed = errno }
        close(descriptor)
        guard failed == 0 else {
            unlink(temporary)
            throw Failure(description: "cannot write \(temporary): \(String(cString: strerror(failed)))")
        }
        guard rename(temporary, path) == 0 else {
            let reason = String(cString: strerror(errno))
            unlink(temporary)
            throw Failure(description: "cannot rename \(temporary) to \(path): \(reason)")
        }
    }
}
