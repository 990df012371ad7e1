import Foundation
import Testing
#if canImport(Glibc)
import Glibc
#endif

/// Twenty web hosts on loopback (127.0.10.1–20, one port), each answering `/health` with the
/// release its file under `hosts/` names, rolled out batch by batch by the `gantry` binary.
/// A release with `-bad` in it is unhealthy: everywhere (`2.0-bad`), or only on the host it
/// ends with (`2.1-bad-web-02`).
final class LoopbackFleet: Sendable {
    let server: PythonServer
    let count: Int

    static let script = """
        import threading
        root, count = sys.argv[2], int(sys.argv[3])
        class H(http.server.BaseHTTPRequestHandler):
            def log_message(self, *args): pass
            def do_GET(self):
                host = "web-%02d" % int(self.server.server_address[0].split(".")[-1])
                try:
                    release = open(os.path.join(root, "hosts", host)).read().strip()
                except OSError:
                    release = "none"
                sick = "-bad" in release and (release.endswith("-bad") or release.endswith(host))
                body = ("%s runs %s\\n" % (host, release)).encode()
                self.send_response(500 if sick else 200)
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)
        servers = [http.server.ThreadingHTTPServer(("127.0.10.1", 0), H)]
        port = servers[0].server_address[1]
        servers += [http.server.ThreadingHTTPServer(("127.0.10.%d" % n, port), H) for n in range(2, count + 1)]
        for server in servers:
            server.daemon_threads = True
            threading.Thread(target=server.serve_forever, daemon=True).start()
        with open(sys.argv[1] + ".tmp", "w") as f: f.write(str(port))
        os.rename(sys.argv[1] + ".tmp", sys.argv[1])
        threading.Event().wait()
        """

    init(root: URL, count: Int = 20) throws {
        self.count = count
        try FileManager.default.createDirectory(at: root.appendingPathComponent("hosts"), withIntermediateDirectories: true)
        server = try PythonServer(script: Self.script, arguments: [root.path, String(count)])
    }

    var names: [String] { (1...count).map { String(format: "web-%02d", $0) } }

    var inventory: String {
        "[web]\n" + (1...count).map { String(format: "web-%02d ansible_host=127.0.10.%d\n", $0, $0) }.joined()
    }

    deinit { server.stop() }
}

@Suite("rollout across a loopback fleet", .serialized)
struct RolloutFleetTests {
    /// Writes each host of `{targets}` the release, logging every command with its hosts; a
    /// `-slow` release hangs on the batch that reaches web-03.
    static let deploy = """
        echo "$0 $1 $2" >> commands.log
        case "$1,$2" in *slow*web-03*) echo $$ > slow.pid; sleep 60;; esac
        for host in $(echo "$2" | tr , ' '); do echo "$1" > "hosts/$host"; done
        """

    func project(bake: String = "0s") throws -> (Project, LoopbackFleet) {
        let project = try Project(config: "version: 1\n")
        let fleet = try LoopbackFleet(root: project.directory)
        try project.write("hosts.ini", fleet.inventory)
        try project.write("gantry.yml", """
            version: 1
            environments:
              production:
                inventory: hosts.ini
                deploy: { command: [/bin/sh, -c, \(jsonString(Self.deploy)), deploy, "{release}", "{targets}"], grace: 1s }
                rollback: { command: [/bin/sh, -c, \(jsonString(Self.deploy)), rollback, "{release}", "{targets}"] }
                check_defaults: { timeout: 2s, retries: 0 }
                checks:
                  - { name: web, http: { url: "http://{host}:\(fleet.server.port)/health" } }
                rollout: { batches: [1, "10%", "50%", "100%"], bake: \(bake) }
            """)
        return (project, fleet)
    }

    let environment = ["GANTRY_INVENTORY_READER": "builtin"]

    func commands(_ project: Project) -> [String] {
        (project.read("commands.log") ?? "").split(separator: "\n").map(String.init)
    }

    func releases(_ project: Project, _ fleet: LoopbackFleet) -> [String: String] {
        Dictionary(uniqueKeysWithValues: fleet.names.map { ($0, (project.read("hosts/\($0)") ?? "none").trimmingCharacters(in: .whitespacesAndNewlines)) })
    }

    func batch(_ fleet: LoopbackFleet, _ range: ClosedRange<Int>) -> String {
        fleet.names[(range.lowerBound - 1)...(range.upperBound - 1)].joined(separator: ",")
    }

    @Test("a healthy release goes out in 4 batches (1, 1, 8, 10 hosts), each checked before the next")
    func healthy() throws {
        let (project, fleet) = try project()
        let result = try project.gantry("deploy", "production", "--release", "1.0", environment: environment)
        #expect(result.status == 0, "\(result.output)")
        #expect(commands(project) == [
            "deploy 1.0 web-01", "deploy 1.0 web-02", "deploy 1.0 \(batch(fleet, 3...10))", "deploy 1.0 \(batch(fleet, 11...20))",
        ])
        #expect(releases(project, fleet).values.allSatisfy { $0 == "1.0" })
        #expect(result.stdout.contains("batch 1/4: web-01 (the canary)"))
        #expect(result.stdout.contains("in 4 batches"))
        let id = try #require(try project.json("history", "production", environment: environment)["deployments"] as? [[String: Any]]).first?["id"] as? String
        let show = try project.json("show", try #require(id), environment: environment)
        let batches = (show["journal"] as? [[String: Any]] ?? []).filter { $0["kind"] as? String == "batch_started" }
        #expect(batches.map { $0["batch"] as? Int } == [1, 2, 3, 4])
        #expect((batches.last?["hosts"] as? [String])?.count == 10)
        #expect((show["rollout"] as? [String: Any])?["batch"] as? Int == 4)
        // The canary's check ran after every batch; the last batch's hosts once.
        let checks = (show["journal"] as? [[String: Any]] ?? []).filter { $0["kind"] as? String == "check_result" }
        #expect(checks.filter { $0["target"] as? String == "web-01" }.count == 4)
        #expect(checks.filter { $0["target"] as? String == "web-20" }.count == 1)
    }

    @Test("a canary that fails its checks: only the canary is rolled back; no other host is touched")
    func canaryFails() throws {
        let (project, fleet) = try project()
        try #require(try project.gantry("deploy", "production", "--release", "1.0", environment: environment).status == 0)
        try FileManager.default.removeItem(at: project.directory.appendingPathComponent("commands.log"))
        let result = try project.gantry("deploy", "production", "--release", "2.0-bad", environment: environment)
        #expect(result.status == 1, "\(result.output)")
        #expect(commands(project) == ["deploy 2.0-bad web-01", "rollback 1.0 web-01"])
        #expect(releases(project, fleet).values.allSatisfy { $0 == "1.0" })
        #expect(result.stdout.contains("rolled back the hosts of batch 1 to 1.0 and verified"), "\(result.stdout)")
    }

    @Test("a release that fails on batch 2: batches 1 and 2 are rolled back, the other 18 hosts never ran it")
    func secondBatchFails() throws {
        let (project, fleet) = try project()
        try #require(try project.gantry("deploy", "production", "--release", "1.0", environment: environment).status == 0)
        try FileManager.default.removeItem(at: project.directory.appendingPathComponent("commands.log"))
        let result = try project.gantry("deploy", "production", "--release", "2.1-bad-web-02", environment: environment)
        #expect(result.status == 1, "\(result.output)")
        #expect(commands(project) == ["deploy 2.1-bad-web-02 web-01", "deploy 2.1-bad-web-02 web-02", "rollback 1.0 web-01,web-02"])
        #expect(releases(project, fleet).values.allSatisfy { $0 == "1.0" })
        let status = try project.json("status", environment: environment)
        #expect((status["environments"] as? [[String: Any]])?.first?["current"] as? String == "1.0")
    }

    @Test("status shows the batch while the rollout runs; a rollout killed in batch 3 is recovered on those hosts only")
    func progressAndRecovery() throws {
        let (project, fleet) = try project()
        try #require(try project.gantry("deploy", "production", "--release", "1.0", environment: environment).status == 0)
        try FileManager.default.removeItem(at: project.directory.appendingPathComponent("commands.log"))
        let running = try GantryBinary.start(["deploy", "production", "--release", "3.0-slow"], in: project.directory, environment: environment)
        let deadline = Date().addingTimeInterval(20)
        while !project.exists("slow.pid"), Date() < deadline { Thread.sleep(forTimeInterval: 0.05) }
        try #require(project.exists("slow.pid"), "batch 3 never started")
        let status = try #require((try project.json("status", environment: environment)["environments"] as? [[String: Any]])?.first)
        let rollout = try #require(status["rollout"] as? [String: Any], "\(status)")
        #expect(rollout["batch"] as? Int == 3)
        #expect(rollout["batches"] as? Int == 4)
        #expect((rollout["hosts"] as? [String])?.first == "web-03")
        #expect(try project.gantry("status", environment: environment).stdout.contains("rollout:    batch 3/4: web-03, web-04"))
        kill(running.process.processIdentifier, SIGKILL)
        _ = running.wait()
        let recovered = try project.gantry("recover", "production", "--wait", "30s", environment: environment)
        #expect(recovered.status == 0, "\(recovered.output)")
        let log = commands(project)
        #expect(log.last == "rollback 1.0 \(batch(fleet, 1...10))", "\(log)")
        #expect(!log.contains { $0.hasPrefix("deploy") && $0.contains("web-11") })
        #expect(releases(project, fleet).values.allSatisfy { $0 == "1.0" }, "\(releases(project, fleet))")
        #expect(recovered.stdout.contains("only web-01, web-02"), "\(recovered.stdout)")
    }
}
