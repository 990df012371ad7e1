import Foundation
import GantryTestSupport
import Testing
#if canImport(Glibc)
import Glibc
#endif

/// `gantry serve` stays answerable whatever clients do, and does not quietly serve the world.
@Suite("gantry serve: connections and exposure", .serialized)
struct ServeHygieneTests {
    func project(_ serve: String) throws -> Project {
        try Project(config: shellConfig("echo deployed") + "\nserve: { \(serve) }\n")
    }

    /// A TCP connection to 127.0.0.1:port that never sends anything, or nil.
    func idleConnection(_ port: Int) -> Int32? {
        let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        guard fd >= 0 else { return nil }
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_port = in_port_t(UInt16(port).bigEndian)
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        var flags = fcntl(fd, F_GETFL)
        flags |= O_NONBLOCK
        _ = fcntl(fd, F_SETFL, flags)
        let result = withUnsafePointer(to: &address) { pointer in
            pointer.withMemoryRebound(to: sockaddr.self, capacity: 1) { connect(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) }
        }
        if result != 0, errno != EINPROGRESS { close(fd); return nil }
        return fd
    }

    /// The number of descriptors serve holds open.
    func descriptors(_ serve: ServeProcess) -> Int {
        (try? FileManager.default.contentsOfDirectory(atPath: "/proc/\(serve.running.process.processIdentifier)/fd").count) ?? 0
    }

    func raiseOwnLimit() {
        var limit = rlimit()
        getrlimit(Int32(RLIMIT_NOFILE.rawValue), &limit)
        limit.rlim_cur = max(limit.rlim_cur, min(limit.rlim_max, 4096))
        setrlimit(Int32(RLIMIT_NOFILE.rawValue), &limit)
    }

    @Test("a thousand idle sockets do not starve /healthz, and are closed once idle")
    func idleFlood() throws {
        raiseOwnLimit()
        let serve = try ServeProcess(project: try project("idle_timeout: 2s"))
        defer { kill(serve.running.process.processIdentifier, SIGKILL) }
        let sockets = (0..<1000).compactMap { _ in idleConnection(serve.port) }
        defer { for fd in sockets { close(fd) } }
        #expect(sockets.count > 900)
        Thread.sleep(forTimeInterval: 0.3)
        let started = Date()
        let health = try HTTP.get(serve.url + "/healthz", timeout: 10)
        #expect(health.status == 200, "/healthz did not answer: \(health)")
        #expect(Date().timeIntervalSince(started) < 2, "/healthz took \(Date().timeIntervalSince(started)) s")
        Thread.sleep(forTimeInterval: 4)
        #expect(descriptors(serve) < 200, "idle connections were not closed: serve holds \(descriptors(serve)) descriptors")
    }

    @Test("max_connections caps what serve holds open")
    func cap() throws {
        raiseOwnLimit()
        let serve = try ServeProcess(project: try project("idle_timeout: 30s, max_connections: 64"))
        defer { kill(serve.running.process.processIdentifier, SIGKILL) }
        let sockets = (0..<300).compactMap { _ in idleConnection(serve.port) }
        defer { for fd in sockets { close(fd) } }
        Thread.sleep(forTimeInterval: 0.5)
        #expect(descriptors(serve) < 64 + 64, "serve holds \(descriptors(serve)) descriptors")
    }

    @Test("require_token refuses to start without a token; a non-loopback listen without one is warned about")
    func exposure() throws {
        let strict = try project("require_token: true")
        let refused = try strict.gantry("serve", "--listen", "127.0.0.1:0")
        #expect(refused.status == 2, "\(refused.output)")
        #expect(refused.stderr.contains("require_token"))
        let open = try project("store_interval: 1s")
        let port = try closedPort()
        let running = try GantryBinary.start(["serve", "--listen", "0.0.0.0:\(port)"], in: open.directory)
        let deadline = Date().addingTimeInterval(15)
        while Date() < deadline, (try? HTTP.get("http://127.0.0.1:\(port)/healthz"))?.status != 200 { Thread.sleep(forTimeInterval: 0.1) }
        kill(running.process.processIdentifier, SIGTERM)
        let result = running.wait()
        #expect(result.stderr.contains("not a loopback address, without a token"), "\(result.stderr)")
    }
}
