import Foundation
import Testing
#if canImport(Glibc)
import Glibc
#endif

/// A stand-in for GitHub's REST API (which cannot run here), answering the documented shape
/// of the list-runners endpoint, checking the token and the API version header.
final class FakeGitHub: @unchecked Sendable {
    let process = Process()
    let port: Int

    init(runners: String) throws {
        let script = """
            import http.server, json, sys
            RUNNERS = json.loads(sys.argv[1])
            class H(http.server.BaseHTTPRequestHandler):
                def log_message(self, *a): pass
                def do_GET(self):
                    if self.headers.get("Authorization") != "Bearer t0k-secret":
                        self.send_response(401); self.end_headers(); self.wfile.write(b'{"message":"Bad credentials"}'); return
                    if self.headers.get("X-GitHub-Api-Version") != "2022-11-28" or not self.path.startswith("/repos/acme/app/actions/runners"):
                        self.send_response(404); self.end_headers(); return
                    body = json.dumps({"total_count": len(RUNNERS), "runners": RUNNERS}).encode()
                    self.send_response(200)
                    self.send_header("Content-Type", "application/json")
                    self.send_header("X-RateLimit-Remaining", "4321")
                    self.end_headers(); self.wfile.write(body)
            server = http.server.HTTPServer(("127.0.0.1", 0), H)
            with open(sys.argv[2] + ".tmp", "w") as f: f.write(str(server.server_address[1]))
            import os; os.rename(sys.argv[2] + ".tmp", sys.argv[2])
            server.serve_forever()
            """
        let portFile = FileManager.default.temporaryDirectory.appendingPathComponent("fake-github-\(UUID().uuidString)").path
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = ["python3", "-c", script, runners, portFile]
        process.standardOutput = FileHandle.nullDevice
        process.standardError = FileHandle.nullDevice
        try process.run()
        let deadline = Date().addingTimeInterval(10)
        var text: String?
        while text == nil, Date() < deadline {
            text = try? String(contentsOfFile: portFile, encoding: .utf8)
            if text == nil { Thread.sleep(forTimeInterval: 0.02) }
        }
        try? FileManager.default.removeItem(atPath: portFile)
        port = try #require(Int(text ?? ""), "the fake GitHub API did not start")
    }

    /// SIGKILL: a test process may run with SIGTERM ignored, and children inherit that.
    deinit { kill(process.processIdentifier, SIGKILL) }
}

@Suite("runner health and failover", .serialized)
struct RunnerTests {
    func project(runners: String) throws -> Project {
        try Project(config: """
            version: 1
            runners:
            \(runners)
            environments:
              production:
                deploy: { command: [/bin/sh, -c, "true"] }
            """)
    }

    func nginx() throws -> String {
        try #require(ProcessInfo.processInfo.environment["GANTRY_TEST_NGINX_URL"], "GANTRY_TEST_NGINX_URL is not set: run scripts/test")
    }

    @Test("a dead primary fails over to the secondary; GITHUB_OUTPUT and the summary say so; none healthy is exit 3",
          .enabled(if: ProcessInfo.processInfo.environment["GANTRY_TEST_NGINX_URL"] != nil || ProcessInfo.processInfo.environment["CI"] == "true"))
    func httpFailover() throws {
        let closed = try LoopbackListener()
        let closedPort = closed.port
        closed.close()
        let project = try project(runners: """
              - { name: primary, labels: [self-hosted, production, primary], priority: 1, health: [ { http: { url: "http://127.0.0.1:\(closedPort)/healthz", timeout: 500ms } } ] }
              - { name: secondary, labels: [self-hosted, production, secondary], priority: 2, health: [ { http: { url: "\(try nginx())/health" } } ] }
            """)
        let output = project.directory.appendingPathComponent("github_output").path
        let summary = project.directory.appendingPathComponent("summary.md").path
        let result = try project.gantry("select-runner", "production", environment: ["GITHUB_ACTIONS": "true", "GITHUB_OUTPUT": output, "GITHUB_STEP_SUMMARY": summary])
        #expect(result.status == 0, "\(result.output)")
        #expect(result.stdout.hasSuffix("secondary\n"))
        #expect(result.stderr.contains("failover: primary is unhealthy"))
        #expect(try String(contentsOfFile: output, encoding: .utf8) == "runner=secondary\nrunner-name=secondary\nlabels=[\"self-hosted\",\"production\",\"secondary\"]\n")
        #expect(try String(contentsOfFile: summary, encoding: .utf8).contains("**Failover:** primary is unhealthy"))
        let table = try project.gantry("runners")
        #expect(table.stdout.split(separator: "\n").contains { $0.hasPrefix("primary ") && $0.contains("UNHEALTHY") })
        let none = try self.project(runners: """
              - { name: primary, labels: [production], health: [ { http: { url: "http://127.0.0.1:\(closedPort)/", timeout: 2s } } ] }
            """)
        let refused = try none.gantry("select-runner", "production")
        #expect(refused.status == 3)
        #expect(refused.stderr.contains("no healthy runner for production: primary: http: "))
    }

    @Test("a primary that accepts and never answers delays failover by its timeout only",
          .enabled(if: ProcessInfo.processInfo.environment["GANTRY_TEST_NGINX_URL"] != nil || ProcessInfo.processInfo.environment["CI"] == "true"))
    func hangingPrimary() throws {
        let hanging = try LoopbackListener()
        let project = try project(runners: """
              - { name: primary, priority: 1, health: [ { http: { url: "http://127.0.0.1:\(hanging.port)/healthz", timeout: 500ms } } ] }
              - { name: secondary, priority: 2, health: [ { http: { url: "\(try nginx())/health", timeout: 500ms } } ] }
            """)
        let started = Date()
        let result = try project.gantry("select-runner", "production")
        let elapsed = Date().timeIntervalSince(started)
        #expect(result.stdout == "secondary\n", "\(result.output)")
        #expect(elapsed < 1.5, "failover took \(elapsed)s")
        _ = hanging.port
    }

    @Test("Prometheus judges runners: a sample of 1 is healthy, another value unhealthy, no sample unknown",
          .enabled(if: ProcessInfo.processInfo.environment["GANTRY_TEST_PROMETHEUS_URL"] != nil || ProcessInfo.processInfo.environment["CI"] == "true"))
    func prometheus() throws {
        let url = try #require(ProcessInfo.processInfo.environment["GANTRY_TEST_PROMETHEUS_URL"])
        let project = try project(runners: """
              - { name: primary, priority: 1, health: [ { prometheus: { url: "\(url)", query: 'up{job="prometheus"} - 1' } } ] }
              - { name: secondary, priority: 2, health: [ { prometheus: { url: "\(url)", query: 'up{job="no-such-runner"}' } } ] }
              - { name: tertiary, priority: 3, health: [ { prometheus: { url: "\(url)", query: 'up{job="prometheus"}' } } ] }
            """)
        let result = try project.json("runners")
        let runners = try #require(result["runners"] as? [[String: Any]])
        let states = runners.map { (($0["sources"] as? [[String: Any]])?.first?["state"] as? String) ?? "" }
        #expect(states == ["unhealthy", "unknown", "healthy"])
        #expect(try project.gantry("select-runner", "production").stdout == "tertiary\n")
    }

    @Test("GitHub's API: offline primary, online secondary; a bad token is unknown, never healthy")
    func github() throws {
        let fake = try FakeGitHub(runners: #"[{"id":1,"name":"primary-01","os":"linux","status":"offline","busy":false,"labels":[]},{"id":2,"name":"secondary-01","os":"linux","status":"online","busy":true,"labels":[]}]"#)
        let api = "http://127.0.0.1:\(fake.port)"
        let project = try project(runners: """
              - { name: primary, priority: 1, health: [ { github: { repo: acme/app, runner: primary-01, token_env: GH_TOKEN, api_url: "\(api)" } } ] }
              - { name: secondary, priority: 2, health: [ { github: { repo: acme/app, runner: secondary-01, token_env: GH_TOKEN, api_url: "\(api)" } } ] }
            """)
        let good = try project.gantry("select-runner", "production", environment: ["GH_TOKEN": "t0k-secret"])
        #expect(good.stdout == "secondary\n", "\(good.output)")
        let table = try project.gantry("runners", environment: ["GH_TOKEN": "t0k-secret"])
        #expect(table.stdout.contains("primary-01 is offline; 4321 API calls left this hour"))
        #expect(table.stdout.contains("secondary-01 is online, busy with a job"))
        let bad = try project.gantry("runners", "--json", environment: ["GH_TOKEN": "wrong"])
        #expect(bad.status == 3)
        #expect(bad.stdout.contains("rejected the token in GH_TOKEN (401)"))
        #expect(!bad.output.contains("wrong\""))
        let missing = try project.gantry("select-runner", "production")
        #expect(missing.status == 3)
        #expect(missing.stderr.contains("GH_TOKEN is not set"))
    }

    @Test("deploy runs its runner's local checks before the lock: unfit refuses with exit 3 and changes nothing")
    func deployGate() throws {
        let project = try project(runners: """
              - { name: primary, priority: 1, health: [ { local: { tools: [sh, no-such-deploy-tool], min_free_disk: 1MiB } } ] }
              - { name: secondary, priority: 2, health: [ { local: { tools: [sh], min_free_disk: 1MiB } } ] }
            """)
        let refused = try project.gantry("deploy", "production", "--release", "1.0.0", environment: ["GANTRY_RUNNER": "primary"])
        #expect(refused.status == 3, "\(refused.output)")
        #expect(refused.stderr.contains("runner primary (identified by GANTRY_RUNNER) is not fit to deploy: local: no-such-deploy-tool is not on PATH"))
        #expect(!project.exists(".gantry/state.db"), "a refused gate must not touch the state")
        let typo = try project.gantry("deploy", "production", "--release", "1.0.0", "--runner", "primray")
        #expect(typo.status == 2)
        #expect(typo.stderr.contains("--runner names runner 'primray', but gantry.yml defines only 'primary', 'secondary'"))
        let fit = try project.gantry("deploy", "production", "--release", "1.0.0", "--runner", "secondary")
        #expect(fit.status == 0, "\(fit.output)")
        #expect(fit.stderr.contains("runner gate: secondary passes its local checks"))
        let history = try project.json("history", "production")
        let deployments = try #require(history["deployments"] as? [[String: Any]])
        #expect(deployments.first?["runner"] as? String == "secondary")
        let unknownHost = try project.gantry("deploy", "production", "--release", "1.0.1")
        #expect(unknownHost.status == 0, "\(unknownHost.output)")
        #expect(unknownHost.stderr.contains("runner gate skipped"))
    }
}
