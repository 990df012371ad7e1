import Foundation
import GantryCore
import GantryExec
import GantryProbes
import GantryTestSupport
import Testing

/// Runs one probe through the real adapter (and, where timing matters, through the check
/// runner that enforces deadlines).
func probe(_ config: ProbeConfig, timeout: Duration = .seconds(3)) async -> ProbeVerdict {
    await LiveProber.with(commandRunner: SubprocessCommandRunner(), processes: LocalProcessControl(), directory: "/") { prober in
        await prober.probe(config, timeout: timeout)
    }
}

func check(_ config: ProbeConfig, timeout: Duration) async -> (CheckResult, Duration) {
    let started = ContinuousClock.now
    let results = await LiveProber.with(commandRunner: SubprocessCommandRunner(), processes: LocalProcessControl(), directory: "/") { prober in
        await CheckRunner(prober: prober).run(
            [CheckConfig(name: "c", probe: config, timing: CheckTiming(timeout: timeout, retries: 0, interval: .zero, startPeriod: .zero))],
            targets: [], environment: [:], masker: .none, concurrency: 1, deadline: .seconds(30)
        )
    }
    return (results[0], ContinuousClock.now - started)
}

@Suite("http probe against nginx", .enabled(if: TestServices.enabled("NGINX")))
struct HTTPProbeTests {
    func url(_ path: String) throws -> String { try TestServices.require("NGINX").string! + path }

    @Test("a healthy endpoint passes, with status and JSON expectations")
    func passes() async throws {
        var config = HTTPProbeConfig(url: try url("/health"))
        config.expectStatus = [200]
        config.expectJSON = ["status": "UP", "components.db.status": "UP"]
        let verdict = await probe(.http(config))
        #expect(verdict.outcome == .pass, "\(verdict.message)")
    }

    @Test("a 503 fails and quotes the body")
    func serviceUnavailable() async throws {
        let verdict = await probe(.http(HTTPProbeConfig(url: try url("/down"))))
        #expect(verdict.outcome == .fail)
        #expect(verdict.message == "HTTP 503, expected 2xx: Service Unavailable: maintenance window")
    }

    @Test("a body expectation that does not hold fails")
    func body() async throws {
        var config = HTTPProbeConfig(url: try url("/health"))
        config.expectBody = "DOWN"
        #expect(await probe(.http(config)).message.hasPrefix("HTTP 200 but the body does not contain \"DOWN\""))
    }

    @Test("redirects are not followed unless asked")
    func redirects() async throws {
        var config = HTTPProbeConfig(url: try url("/moved"))
        #expect(await probe(.http(config)).message.hasPrefix("HTTP 302"))
        config.followRedirects = true
        #expect(await probe(.http(config)).outcome == .pass)
    }

    @Test("request headers are sent")
    func headers() async throws {
        var config = HTTPProbeConfig(url: try url("/private"))
        #expect(await probe(.http(config)).message.hasPrefix("HTTP 401"))
        config.headers = ["Authorization": "Bearer token-123"]
        #expect(await probe(.http(config)).outcome == .pass)
    }

    @Test("TLS: trusted through a CA file, refused without it, accepted with insecure")
    func tls() async throws {
        let tlsURL = try #require(TestServices.url("TLS")) + "/health"
        var config = HTTPProbeConfig(url: tlsURL)
        let untrusted = await probe(.http(config))
        #expect(untrusted.outcome == .fail)
        #expect(untrusted.message.contains("TLS"), "\(untrusted.message)")
        let caFile: String = try #require(TestServices.environment["GANTRY_TEST_CA_FILE"])
        config.caFile = caFile
        let trusted = await probe(.http(config))
        #expect(trusted.outcome == .pass, "\(trusted.message)")
        config.caFile = nil
        config.insecure = true
        #expect(await probe(.http(config)).outcome == .pass)
    }

    @Test("connection refused says so")
    func refused() async throws {
        let verdict = await probe(.http(HTTPProbeConfig(url: "http://127.0.0.1:\(try closedPort())/health")))
        #expect(verdict.outcome == .fail)
        #expect(verdict.message.contains("connection refused"), "\(verdict.message)")
    }

    @Test("a peer that never answers ends at the timeout")
    func silentPeer() async throws {
        let peer = try LoopbackListener()
        let (result, elapsed) = await check(.http(HTTPProbeConfig(url: "http://127.0.0.1:\(peer.port)/health")), timeout: .milliseconds(500))
        #expect(!result.passed)
        // Ended by the attempt's timeout, not by the verification's 30 s deadline. The bound
        // is loose on purpose: on two busy cores the client's start and shutdown alone have
        // taken seconds; what ended it is in the message.
        #expect(!result.message.contains("deadline passed") && result.attempts == 1, "\(result.message)")
        #expect(elapsed < .seconds(10), "took \(elapsed)")
    }
}

@Suite("http probe, request shape")
struct HTTPRequestShapeTests {
    @Test("each probe asks for a connection of its own (Connection: close): a server that accepts no new connections fails, however many old ones it keeps")
    func freshConnection() async throws {
        let peer = try LoopbackListener()
        let request = Task { await peer.serveOnce("HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nok") }
        let verdict = await probe(.http(HTTPProbeConfig(url: "http://127.0.0.1:\(peer.port)/health")), timeout: .seconds(5))
        let received = await request.value.lowercased()
        #expect(verdict.outcome == .pass, "\(verdict.message)")
        #expect(received.hasPrefix("get /health http/1.1\r\n"), "\(received)")
        #expect(received.contains("\r\nconnection: close\r\n"), "\(received)")
        #expect(received.contains("\r\nuser-agent: gantry-health-check\r\n"), "\(received)")
    }

    @Test("a refused connection fails its attempt at once, not at its timeout: gantry's own retries follow, not the HTTP client's")
    func refusedAtOnce() async throws {
        // async-http-client retries connection establishment until the connect timeout by
        // default; with a 20 s timeout that took 20 s. A refusal is an answer.
        let (result, elapsed) = await check(.http(HTTPProbeConfig(url: "http://127.0.0.1:\(try closedPort())/health")), timeout: .seconds(20))
        #expect(!result.passed)
        #expect(result.message.contains("connection refused"), "\(result.message)")
        #expect(elapsed < .seconds(10), "took \(elapsed)")
    }

    @Test("a server that sends its headers and then stalls fails the attempt at its timeout, not at the verification's deadline")
    func stalledBody() async throws {
        let peer = try LoopbackListener()
        let server = Task { await peer.serveOnce("HTTP/1.1 200 OK\r\nContent-Length: 100\r\n\r\nok", hold: .seconds(2)) }
        let (result, elapsed) = await check(.http(HTTPProbeConfig(url: "http://127.0.0.1:\(peer.port)/health")), timeout: .milliseconds(500))
        #expect(!result.passed)
        // Loose for two busy cores (see silentPeer); the verification's deadline is 30 s.
        #expect(elapsed < .seconds(10), "took \(elapsed)")
        #expect(!result.message.contains("deadline passed") && result.attempts == 1, "\(result.message)")
        _ = await server.value
    }
}

@Suite("nginx stub_status probe", .enabled(if: TestServices.enabled("NGINX")))
struct NginxProbeTests {
    @Test("stub_status is read and judged")
    func stubStatus() async throws {
        let base = try TestServices.require("NGINX").string!
        var config = NginxProbeConfig(url: base + "/nginx_status")
        config.failOnDropped = true
        let verdict = await probe(.nginx(config))
        #expect(verdict.outcome == .pass, "\(verdict.message)")
        #expect(verdict.message.hasPrefix("active "))
        let wrong = await probe(.nginx(NginxProbeConfig(url: base + "/health")))
        #expect(wrong.message.contains("did not answer with an nginx stub_status page"))
    }
}

@Suite("tcp probe", .enabled(if: TestServices.enabled("NGINX")))
struct TCPProbeTests {
    @Test("a listening port passes, a closed one is refused")
    func tcp() async throws {
        let nginx = try TestServices.require("NGINX")
        #expect(await probe(.tcp(TCPProbeConfig(host: "127.0.0.1", port: nginx.port!))).outcome == .pass)
        let refused = await probe(.tcp(TCPProbeConfig(host: "127.0.0.1", port: try closedPort())))
        #expect(refused.message.contains("connection refused"), "\(refused.message)")
    }
}

@Suite("postgres probe", .enabled(if: TestServices.enabled("POSTGRES")))
struct PostgresProbeTests {
    func url(password: String? = nil, port: Int? = nil) throws -> String {
        var components = try TestServices.require("POSTGRES")
        if let password { components.password = password }
        if let port { components.port = port }
        return components.string!
    }

    @Test("a real session: SELECT 1, server version reported")
    func passes() async throws {
        let verdict = await probe(.postgres(PostgresProbeConfig(url: try url())))
        #expect(verdict.outcome == .pass, "\(verdict.message)")
        #expect(verdict.message.hasPrefix("PostgreSQL 1"))
    }

    @Test("a configured query runs read-only: a write is refused")
    func readOnly() async throws {
        var config = PostgresProbeConfig(url: try url())
        config.query = "SELECT count(*) FROM pg_catalog.pg_tables"
        #expect(await probe(.postgres(config)).outcome == .pass)
        config.query = "CREATE TABLE gantry_should_not_exist (i int)"
        let write = await probe(.postgres(config))
        #expect(write.outcome == .fail)
        #expect(write.message.contains("read-only"), "\(write.message)")
    }

    @Test("a wrong password is an authentication failure, and the password is not in the message")
    func wrongPassword() async throws {
        let verdict = await probe(.postgres(PostgresProbeConfig(url: try url(password: "wrong-pw-42"))))
        #expect(verdict.message.contains("authentication failed for user health"), "\(verdict.message)")
        #expect(!verdict.message.contains("wrong-pw-42"))
    }

    @Test("refused and silent peers fail within the timeout")
    func unreachable() async throws {
        let refused = await probe(.postgres(PostgresProbeConfig(url: try url(port: try closedPort()))))
        #expect(refused.message.contains("connection refused"), "\(refused.message)")
        let peer = try LoopbackListener()
        let (result, elapsed) = await check(.postgres(PostgresProbeConfig(url: try url(port: peer.port))), timeout: .milliseconds(500))
        #expect(!result.passed)
        // Ended by the attempt's timeout, not the verification's 30 s deadline (see silentPeer).
        #expect(!result.message.contains("deadline passed") && result.attempts == 1, "\(result.message)")
        #expect(elapsed < .seconds(10), "took \(elapsed)")
    }
}

@Suite("redis probe", .enabled(if: TestServices.enabled("REDIS")))
struct RedisProbeTests {
    func config(password: String?, port: Int? = nil) throws -> RedisProbeConfig {
        let url = try TestServices.require("REDIS")
        var config = RedisProbeConfig(host: url.host!)
        config.port = port ?? url.port!
        config.password = password
        return config
    }

    @Test("AUTH then PING answers PONG")
    func passes() async throws {
        let verdict = await probe(.redis(try config(password: try TestServices.require("REDIS").password)))
        #expect(verdict.outcome == .pass, "\(verdict.message)")
        #expect(verdict.message.contains("authenticated"))
    }

    @Test("a wrong or missing password fails clearly")
    func credentials() async throws {
        let wrong = await probe(.redis(try config(password: "nope-pw")))
        #expect(wrong.message.contains("wrong password"), "\(wrong.message)")
        #expect(!wrong.message.contains("nope-pw"))
        let missing = await probe(.redis(try config(password: nil)))
        #expect(missing.message.contains("NOAUTH"), "\(missing.message)")
    }

    @Test("refused and silent peers fail within the timeout")
    func unreachable() async throws {
        let refused = await probe(.redis(try config(password: nil, port: try closedPort())))
        #expect(refused.message.contains("connection refused"), "\(refused.message)")
        let peer = try LoopbackListener()
        let (result, elapsed) = await check(.redis(try config(password: "x", port: peer.port)), timeout: .milliseconds(500))
        #expect(!result.passed)
        // Ended by the attempt's timeout, not the verification's 30 s deadline (see silentPeer).
        #expect(!result.message.contains("deadline passed") && result.attempts == 1, "\(result.message)")
        #expect(elapsed < .seconds(10), "took \(elapsed)")
    }
}

@Suite("prometheus probe", .enabled(if: TestServices.enabled("PROMETHEUS")))
struct PrometheusProbeTests {
    func config(_ query: String) throws -> PrometheusProbeConfig {
        PrometheusProbeConfig(url: try TestServices.require("PROMETHEUS").string!, query: query)
    }

    @Test("an instant query is judged: pass, fail, no data, bad query")
    func queries() async throws {
        var up = try config(#"up{job="prometheus"}"#)
        up.equals = 1
        let pass = await probe(.prometheus(up))
        #expect(pass.outcome == .pass, "\(pass.message)")
        up.equals = nil
        up.max = 0
        #expect(await probe(.prometheus(up)).message.hasPrefix("value 1 is above max 0"))
        var nothing = try config(#"up{job="no-such-job"}"#)
        nothing.min = 1
        let empty = await probe(.prometheus(nothing))
        #expect(empty.outcome == .noData)
        #expect(empty.message.contains("returned nothing"))
        var broken = try config("up{")
        broken.min = 1
        let bad = await probe(.prometheus(broken))
        #expect(bad.outcome == .fail)
        #expect(bad.message.contains("bad_data"), "\(bad.message)")
    }
}

@Suite("machine probes: disk, memory, command")
struct MachineProbeTests {
    @Test("disk thresholds on the real filesystem")
    func disk() async {
        var config = DiskProbeConfig(path: "/")
        config.minFree = .bytes(1)
        #expect(await probe(.disk(config)).outcome == .pass)
        config.minFree = .percent(100)
        #expect(await probe(.disk(config)).message.contains("below min_free 100%"))
        let missing = await probe(.disk(DiskProbeConfig(path: "/no/such/dir")))
        #expect(missing.message.hasPrefix("cannot read /no/such/dir"))
    }

    @Test("memory thresholds against /proc/meminfo")
    func memory() async {
        #expect(await probe(.memory(MemoryProbeConfig(minAvailable: .bytes(1024 * 1024)))).outcome == .pass)
        #expect(await probe(.memory(MemoryProbeConfig(minAvailable: .percent(100)))).outcome == .fail)
    }

    @Test("a command check passes on exit 0 and keeps its last output")
    func command() async {
        let pass = await probe(.command(CommandProbeConfig(command: CommandConfig(argv: ["/bin/sh", "-c", "echo ready"]))))
        #expect(pass.outcome == .pass)
        #expect(pass.message == "exit 0: ready")
        let fail = await probe(.command(CommandProbeConfig(command: CommandConfig(argv: ["/bin/sh", "-c", "echo 'queue depth 9000' >&2; exit 1"]))))
        #expect(fail.message == "command exited with status 1: queue depth 9000")
    }
}
