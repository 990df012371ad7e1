import Foundation
import GantryTestSupport
import Testing
#if canImport(Glibc)
import Glibc
#endif

/// A TCP relay on 127.0.0.1 between gantry and PostgreSQL that reads the wire protocol's
/// message frames, so a test can freeze a gantry *inside* a transaction that holds its
/// lease row: a signal sent from outside at a random moment almost never lands there, since
/// gantry's transactions last a millisecond.
///
/// Once armed, the relay acts on the first ReadyForQuery ('Z') whose status is "in a
/// transaction block" ('T') on a connection whose open transaction named `gantry_locks`: it
/// runs the freeze (SIGSTOP to gantry) *before* it passes that message on, so gantry stops
/// waiting for it and the server holds the transaction, and its row lock, open. Only
/// `sslmode=disable` connections can be read this way, and only to a server on loopback.
final class PostgresFreezingProxy: @unchecked Sendable {
    let port: Int
    private let targetPort: Int
    private let listener: Int32
    private let lock = NSLock()
    private var freeze: (@Sendable () -> Void)?
    private var frozeAt: Date?
    private var sessions: [Session] = []
    private var closing = false
    private var listenerClosed = false

    init(targetPort: Int) throws {
        self.targetPort = targetPort
        (listener, port) = try LoopbackListener.listening()
        Thread { [self] in acceptLoop() }.start()
    }

    /// Runs `action` once, at the next ReadyForQuery that leaves a client inside a
    /// transaction on the lease table.
    func arm(_ action: @escaping @Sendable () -> Void) {
        lock.withLock { freeze = action; frozeAt = nil }
    }

    /// When the armed freeze ran, if it has.
    var frozenAt: Date? { lock.withLock { frozeAt } }

    /// Ends every relay: each socket is shut down here and closed by the thread that uses
    /// it, so no thread ever touches a descriptor number that was closed and reused.
    func close() {
        let open = lock.withLock { () -> [Session] in
            closing = true
            if !listenerClosed { shutdown(listener, Int32(SHUT_RDWR)) }
            return sessions
        }
        for session in open { session.shutDown() }
    }

    deinit { close() }

    // MARK: relaying

    private static func loopback(port: Int) -> sockaddr_in {
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        address.sin_port = in_port_t(UInt16(port).bigEndian)
        return address
    }

    private func acceptLoop() {
        defer {
            lock.withLock {
                listenerClosed = true
                Glibc.close(listener)
            }
        }
        while true {
            let client = accept(listener, nil, nil)
            guard client >= 0 else { return }
            let server = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
            var address = Self.loopback(port: targetPort)
            let connected = withUnsafePointer(to: &address) { $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { connect(server, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) } }
            guard connected == 0 else {
                Glibc.close(client)
                Glibc.close(server)
                continue
            }
            let session = Session(client: client, server: server)
            let closing = lock.withLock {
                sessions.append(session)
                return self.closing
            }
            if closing { session.shutDown() }
            Thread { [self] in relayRequests(from: client, to: server, session) }.start()
            Thread { [self] in relayAnswers(from: server, to: client, session) }.start()
        }
    }

    /// One relayed connection: whether its open transaction has named the lease table, and
    /// its two sockets, closed by whichever of its two threads ends last.
    private final class Session: @unchecked Sendable {
        private let lock = NSLock()
        private var touched = false
        private var running = 2
        let client: Int32
        let server: Int32

        init(client: Int32, server: Int32) {
            self.client = client
            self.server = server
        }

        var touchedLocks: Bool {
            get { lock.withLock { touched } }
            set { lock.withLock { touched = newValue } }
        }

        private var closed = false

        /// Wakes both threads (their reads return) unless the sockets are closed already.
        func shutDown() {
            lock.withLock {
                guard !closed else { return }
                shutdown(client, Int32(SHUT_RDWR))
                shutdown(server, Int32(SHUT_RDWR))
            }
        }

        /// One direction has ended: both sockets are shut down, and closed once both have.
        func ended() {
            shutDown()
            lock.withLock {
                running -= 1
                guard running == 0 else { return }
                closed = true
                Glibc.close(client)
                Glibc.close(server)
            }
        }
    }

    /// Client to server: passed on as it comes, noting a statement on `gantry_locks` first.
    private func relayRequests(from client: Int32, to server: Int32, _ session: Session) {
        let table = Array("gantry_locks".utf8)
        var buffer = [UInt8](repeating: 0, count: 65536)
        while true {
            let count = read(client, &buffer, buffer.count)
            guard count > 0 else { break }
            if Self.contains(buffer[0..<count], table) { session.touchedLocks = true }
            guard Self.writeAll(server, buffer[0..<count]) else { break }
        }
        session.ended()
    }

    /// Server to client, a whole message at a time: a ReadyForQuery says whether the client
    /// is inside a transaction ('T') or not ('I').
    private func relayAnswers(from server: Int32, to client: Int32, _ session: Session) {
        var pending: [UInt8] = []
        var buffer = [UInt8](repeating: 0, count: 65536)
        reading: while true {
            let count = read(server, &buffer, buffer.count)
            guard count > 0 else { break }
            pending += buffer[0..<count]
            var start = 0
            while pending.count - start >= 5 {
                let length = pending[(start + 1)..<(start + 5)].reduce(0) { $0 << 8 | Int($1) }
                let end = start + 1 + length
                guard end <= pending.count else { break }
                if pending[start] == UInt8(ascii: "Z"), length == 5 {
                    let status = pending[start + 5]
                    if status == UInt8(ascii: "I") { session.touchedLocks = false }
                    if status == UInt8(ascii: "T"), session.touchedLocks { fireIfArmed() }
                }
                guard Self.writeAll(client, pending[start..<end]) else { break reading }
                start = end
            }
            pending.removeFirst(start)
        }
        session.ended()
    }

    private func fireIfArmed() {
        let action = lock.withLock { () -> (@Sendable () -> Void)? in
            defer { freeze = nil }
            return freeze
        }
        guard let action else { return }
        action()
        lock.withLock { frozeAt = Date() }
    }

    private static func contains(_ haystack: ArraySlice<UInt8>, _ needle: [UInt8]) -> Bool {
        guard haystack.count >= needle.count else { return false }
        var index = haystack.startIndex
        while index <= haystack.endIndex - needle.count {
            if haystack[index] == needle[0], haystack[index..<(index + needle.count)].elementsEqual(needle) { return true }
            index += 1
        }
        return false
    }

    private static func writeAll(_ descriptor: Int32, _ bytes: ArraySlice<UInt8>) -> Bool {
        var offset = bytes.startIndex
        while offset < bytes.endIndex {
            let written = bytes[offset...].withUnsafeBytes { write(descriptor, $0.baseAddress, $0.count) }
            guard written > 0 else { return false }
            offset += written
        }
        return true
    }
}

extension SharedDatabase {
    /// One test database of the server scripts/test started, as `SharedDatabase.create`
    /// made it: for reaching it through a relay, and for asking it from psql.
    struct Target {
        let user: String
        let password: String
        let host: String
        let port: Int
        let name: String

        /// From the `state: "postgres://…/NAME?…"` line `SharedDatabase.create` returned.
        init(stateLine: String) throws {
            let base = try #require(ProcessInfo.processInfo.environment["GANTRY_TEST_STATE_POSTGRES_URL"].flatMap(URLComponents.init(string:)))
            let path = try #require(stateLine.split(separator: "/").last?.split(separator: "?").first, "no database in \(stateLine)")
            user = base.user ?? "gantry"
            password = base.password ?? ""
            host = base.host ?? "127.0.0.1"
            port = base.port ?? 5432
            name = String(path)
        }

        /// The database's URL with another port (a relay's on loopback).
        func url(port: Int) -> String {
            var components = URLComponents()
            components.scheme = "postgres"
            components.user = user
            components.password = password
            components.host = "127.0.0.1"
            components.port = port
            components.path = "/\(name)"
            components.queryItems = [URLQueryItem(name: "sslmode", value: "disable")]
            return components.string ?? ""
        }

        /// Runs `sql` in psql; its exit status and what it printed.
        func psql(_ sql: String) -> (status: Int32, output: String) {
            let process = Process()
            process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
            process.arguments = ["psql", "-h", host, "-p", String(port), "-U", user, "-d", name, "-q", "-X", "-w", "-c", sql]
            process.standardInput = FileHandle.nullDevice
            process.environment = ProcessInfo.processInfo.environment.merging(["PGPASSWORD": password]) { $1 }
            let pipe = Pipe()
            process.standardOutput = pipe
            process.standardError = pipe
            guard (try? process.run()) != nil else { return (-1, "psql did not start") }
            let output = String(decoding: pipe.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
            process.waitUntilExit()
            return (process.terminationStatus, output)
        }
    }
}
