import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// A listening TCP socket on 127.0.0.1 that no code serves: the kernel completes
/// connections from its backlog and then nothing is ever said. Tests use it as a peer that
/// accepts and never answers (only a timeout ends a probe of it), and, once closed, as a
/// loopback port nothing listens on.
package final class LoopbackListener: @unchecked Sendable {
    package let port: Int
    private var descriptor: Int32

    package init() throws {
        (descriptor, port) = try Self.listening()
    }

    /// A TCP socket listening on 127.0.0.1 at a port the kernel picked, and that port.
    package static func listening() throws -> (descriptor: Int32, port: Int) {
        let descriptor = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        var length = socklen_t(MemoryLayout<sockaddr_in>.size)
        let bound = withUnsafePointer(to: &address) { $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(descriptor, $0, length) } }
        guard bound == 0, listen(descriptor, 64) == 0 else {
            Glibc.close(descriptor)
            throw POSIXError(.EADDRINUSE)
        }
        _ = withUnsafeMutablePointer(to: &address) { $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { getsockname(descriptor, $0, &length) } }
        return (descriptor, Int(UInt16(bigEndian: address.sin_port)))
    }

    /// `answerOnce` on a thread of its own: it blocks (accept, read, the hold), and a blocked
    /// thread of the concurrency pool (two, on a two-core machine) would stall every other
    /// test running beside it.
    package func serveOnce(_ reply: String, hold: Duration = .zero) async -> String {
        await withCheckedContinuation { continuation in
            Thread { continuation.resume(returning: self.answerOnce(reply, hold: hold)) }.start()
        }
    }

    /// Accepts one connection, reads its request (up to the blank line), answers `reply`,
    /// keeps the connection open for `hold` (a server that stalls mid-answer) and closes it;
    /// returns the request as received. Blocks the calling thread: see `serveOnce`.
    func answerOnce(_ reply: String, hold: Duration = .zero) -> String {
        let connection = accept(descriptor, nil, nil)
        guard connection >= 0 else { return "" }
        defer { Glibc.close(connection) }
        var received: [UInt8] = []
        var buffer = [UInt8](repeating: 0, count: 4096)
        while !String(decoding: received, as: UTF8.self).contains("\r\n\r\n") {
            let count = read(connection, &buffer, buffer.count)
            if count <= 0 { break }
            received += buffer[0..<count]
        }
        let bytes = Array(reply.utf8)
        _ = bytes.withUnsafeBytes { write(connection, $0.baseAddress, $0.count) }
        if hold > .zero { usleep(UInt32(hold.components.seconds * 1_000_000 + hold.components.attoseconds / 1_000_000_000_000)) }
        return String(decoding: received, as: UTF8.self)
    }

    package func close() {
        if descriptor >= 0 { Glibc.close(descriptor) }
        descriptor = -1
    }

    deinit { close() }
}

/// A loopback port nothing listens on (bound a moment ago, then closed).
package func closedPort() throws -> Int {
    try LoopbackListener().port
}
