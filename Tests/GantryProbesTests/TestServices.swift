import Foundation
import Testing
#if canImport(Glibc)
import Glibc
#endif

/// The services `scripts/test` started, described by `GANTRY_TEST_*` variables. Without
/// them a test is skipped, except under `CI=true`, where it runs and fails: a missing
/// service must never pass silently.
enum TestServices {
    static let environment = ProcessInfo.processInfo.environment
    static var isCI: Bool { environment["CI"] == "true" }

    static func url(_ name: String) -> String? { environment["GANTRY_TEST_\(name)_URL"] }

    /// Whether tests of `name` should run.
    static func enabled(_ name: String) -> Bool { url(name) != nil || isCI }

    static func require(_ name: String) throws -> URLComponents {
        let text = try #require(url(name), "GANTRY_TEST_\(name)_URL is not set: run the tests with scripts/test")
        return try #require(URLComponents(string: text))
    }
}

/// A TCP peer that completes the handshake (the kernel does, from the listen backlog) and
/// then never says a word: the probe's timeout is the only way out.
final class SilentPeer: @unchecked Sendable {
    let port: Int
    private let descriptor: Int32

    init() throws {
        let descriptor = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        self.descriptor = descriptor
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        address.sin_port = 0
        var length = socklen_t(MemoryLayout<sockaddr_in>.size)
        let bound = withUnsafePointer(to: &address) { $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(descriptor, $0, length) } }
        guard bound == 0, listen(descriptor, 64) == 0 else {
            close(descriptor)
            throw POSIXError(.EADDRINUSE)
        }
        _ = withUnsafeMutablePointer(to: &address) { $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { getsockname(descriptor, $0, &length) } }
        port = Int(UInt16(bigEndian: address.sin_port))
    }

    deinit { close(descriptor) }
}

/// A loopback port nothing listens on.
func closedPort() throws -> Int {
    let peer = try SilentPeer()
    return peer.port
}
