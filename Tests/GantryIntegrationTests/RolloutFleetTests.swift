import Foundation
import Testing
#if canImport(Glibc)
import Glibc
#endif

/// Twenty web hosts on loopback (127.0.10.1–20, one port), each answering `/health` with the
/// release its file under `hosts/` names, rolled out batch by batch by the `gantry` binary.
/// A release with `-bad` in it is unhealthy: everywhere (`2.0-bad`), or only on the host it
/// ends with (`2.1-bad-web-02`). `/metrics` exports `fleet_errors{fleet, release}`: 1 for a
/// release with `-errors` in it (everywhere, or on the host it ends with), else 0.
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
                errors = "-errors" in release and (release.endswith("-errors") or release.endswith(host))
                if self.path == "/metrics":
                    body = ('fleet_errors{fleet="%s",release="%s"} %d\\n' % (sys.argv[4], release, 1 if errors else 0)).encode()
                    sick = False
                else:
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

    /// The `fleet` label of this fleet's metrics, unique per test.
    let id = "fleet-\(UUID().uuidString.prefix(8).lowercased())"

    init(root: URL, count: Int = 20) throws {
        self.count = count
        try FileManager.default.createDirectory(at: root.appendingPathComponent("hosts"), withIntermediateDirectories: true)
        server = try PythonServer(script: Self.script, arguments: [root.path, String(count), id])
    }

    /// Has the test Prometheus scrape every host (file_sd), and waits until it has.
    func scrape(by prometheus: String, targetsDirectory: String) throws {
        let targets = (1...count).map { "\"127.0.10.\($0):\(server.port)\"" }.joined(separator: ", ")
        try Data("[{\"targets\": [\(targets)], \"labels\": {\"job\": \"fleet\"}}]".utf8).write(to: URL(fileURLWithPath: targetsDirectory).appendingPathComponent("\(id).json"))
        let deadline = Date().addingTimeInterval(20)
        while Date() < deadline {
            let answer = try Tool.run(["/usr/bin/curl", "-s", "--get", "--data-urlencode", "query=count(fleet_errors{fleet=\"\(id)\"})", prometheus + "/api/v1/query"])
            if answer.output.contains("\"\(count)\"]") { return }
            Thread.sleep(forTimeInterval: 0.2)
        }
        throw PythonServerError.didNotStart
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

    func project(bake: String = "0s", batches: String = "[1, \"10%\", \"50%\", \"100%\"]", extra: String = "", onPause: String = "wait") throws -> (Project, LoopbackFleet) {
        let project = try Project(config: "version: 1\n")
        let fleet = try LoopbackFleet(root: project.directory)
        try project.write("hosts.ini", fleet.inventory)
        try project.write("gantry.yml", """
            version: 1
            serve: { store_interval: 200ms }
            environments:
              production:
                inventory: hosts.ini
                deploy: { command: [/bin/sh, -c, \(jsonString(Self.deploy)), deploy, "{release}", "{targets}"], grace: 1s }
                rollback: { command: [/bin/sh, -c, \(jsonString(Self.deploy)), rollback, "{release}", "{targets}"] }
                check_defaults: { timeout: 2s, retries: 0 }
                checks:
                  - { name: web, http: { url: "http://{host}:\(fleet.server.port)/health" } }
            \(extra)
                rollout: { batches: \(batches), bake: \(bake), pause_timeout: 30s, on_pause: \(onPause) }
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
        // gantry serve shows it too: the status API, the page and the gauge.
        let serve = try ServeProcess(project: project, environment: environment)
        var api = ""
        let shown = Date().addingTimeInterval(10)
        while !api.contains("\"batch\" : 3"), Date() < shown {
            api = (try? HTTP.get("\(serve.url)/api/v1/status"))?.body ?? ""
            Thread.sleep(forTimeInterval: 0.1)
        }
        #expect(api.contains("\"batch\" : 3") && api.contains("\"batches\" : 4"), "\(api)")
        #expect(try HTTP.get(serve.url + "/").body.contains("rolling out batch 3/4: web-03"))
        #expect(try HTTP.get(serve.url + "/metrics").body.contains("gantry_rollout_batch{environment=\"production\"} 3"))
        kill(serve.running.process.processIdentifier, SIGKILL)
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

/// Analyses of a rollout against a real Prometheus (scripts/test starts it) scraping the
/// loopback fleet's `/metrics` every second.
@Suite("rollout analysis across a loopback fleet, judged by Prometheus", .serialized,
       .enabled(if: ProcessInfo.processInfo.environment["GANTRY_TEST_PROMETHEUS_URL"] != nil || ProcessInfo.processInfo.environment["CI"] == "true"))
struct RolloutAnalysisFleetTests {
    let fleetTests = RolloutFleetTests()

    /// A project whose rollout runs `query` as an analysis (three measurements a second apart).
    func project(query: String, batches: String = "[1, \"10%\", \"50%\", \"100%\"]", onPause: String = "wait") throws -> (Project, LoopbackFleet, [String: String]) {
        let prometheus = try #require(ProcessInfo.processInfo.environment["GANTRY_TEST_PROMETHEUS_URL"], "scripts/test starts Prometheus")
        let targets = try #require(ProcessInfo.processInfo.environment["GANTRY_TEST_PROMETHEUS_TARGETS"])
        var made: (Project, LoopbackFleet)?
        // The fleet's port is known only once it runs: the query is filled in after.
        let placeholder = "QUERY-\(UUID().uuidString)"
        made = try fleetTests.project(batches: batches, extra: """
                  - name: errors
                    prometheus: { url: "${PROM_URL}", query: '\(placeholder)', max: 0 }
                    analysis: { interval: 1s, count: 3 }
            """, onPause: onPause)
        let (project, fleet) = try #require(made)
        let config = try #require(project.read("gantry.yml"))
        let filled = query.replacingOccurrences(of: "FLEET", with: fleet.id).replacingOccurrences(of: "PORT", with: String(fleet.server.port))
        try project.write("gantry.yml", config.replacingOccurrences(of: placeholder, with: filled))
        try fleet.scrape(by: prometheus, targetsDirectory: targets)
        return (project, fleet, ["GANTRY_INVENTORY_READER": "builtin", "PROM_URL": prometheus])
    }

    let errors = #"max(fleet_errors{fleet="FLEET",instance=~"{batch_hosts}:PORT"})"#

    @Test("an analysis that fails on batch 2: batches 1 and 2 are rolled back (analysis_failed)")
    func analysisFailsOnBatchTwo() throws {
        let (project, fleet, environment) = try project(query: errors)
        try #require(try project.gantry("deploy", "production", "--release", "1.0", environment: environment).status == 0)
        try FileManager.default.removeItem(at: project.directory.appendingPathComponent("commands.log"))
        let result = try project.gantry("deploy", "production", "--release", "2.2-errors-web-02", environment: environment)
        #expect(result.status == 1, "\(result.output)")
        #expect(fleetTests.commands(project) == ["deploy 2.2-errors-web-02 web-01", "deploy 2.2-errors-web-02 web-02", "rollback 1.0 web-01,web-02"])
        #expect(fleetTests.releases(project, fleet).values.allSatisfy { $0 == "1.0" })
        let recorded = try #require((try project.json("history", "production", environment: environment)["deployments"] as? [[String: Any]])?.first)
        #expect(recorded["reason_code"] as? String == "analysis_failed", "\(recorded)")
        let id = try #require(recorded["id"] as? String)
        let journal = try #require(try project.json("show", id, environment: environment)["journal"] as? [[String: Any]])
        #expect(journal.filter { $0["kind"] as? String == "analysis_result" }.compactMap { $0["analysis_phase"] as? String } == ["successful", "failed"])
    }

    @Test("no data pauses the rollout; gantry promote from another process lets it finish; gantry abort rolls it back")
    func noDataPausesThenPromoteOrAbort() throws {
        let noData = #"max(fleet_errors{fleet="FLEET",instance=~"{batch_hosts}:PORT",release="never-deployed"})"#
        let (project, fleet, environment) = try project(query: noData, batches: "[1, \"100%\"]")
        // Nothing to promote yet: exit 3.
        #expect(try project.gantry("promote", "production", environment: environment).status == 3)
        for (release, decision) in [("1.0", "promote"), ("2.0", "abort")] {
            try? FileManager.default.removeItem(at: project.directory.appendingPathComponent("commands.log"))
            let running = try GantryBinary.start(["deploy", "production", "--release", release], in: project.directory, environment: environment)
            var paused: [String: Any]?
            let deadline = Date().addingTimeInterval(30)
            while paused == nil, Date() < deadline {
                let status = (try project.json("status", environment: environment)["environments"] as? [[String: Any]])?.first
                if let rollout = status?["rollout"] as? [String: Any], rollout["paused"] is String { paused = rollout }
                else { Thread.sleep(forTimeInterval: 0.2) }
            }
            let rollout = try #require(paused, "the rollout of \(release) never paused")
            #expect(rollout["batch"] as? Int == 1)
            #expect((rollout["paused"] as? String)?.contains("inconclusive") == true, "\(rollout)")
            #expect(try project.gantry("status", environment: environment).stdout.contains("(paused: "))
            let decided = try project.gantry(decision, "production", "--reason", "looked at the dashboards", environment: environment)
            #expect(decided.status == 0, "\(decided.output)")
            let result = running.wait()
            if decision == "promote" {
                #expect(result.status == 0, "\(result.output)")
                #expect(fleetTests.releases(project, fleet).values.allSatisfy { $0 == "1.0" })
            } else {
                #expect(result.status == 1, "\(result.output)")
                #expect(fleetTests.commands(project) == ["deploy 2.0 web-01", "rollback 1.0 web-01"])
                let recorded = try #require((try project.json("history", "production", environment: environment)["deployments"] as? [[String: Any]])?.first)
                #expect(recorded["reason_code"] as? String == "rollout_aborted")
                #expect((recorded["reason"] as? String)?.contains("aborted by") == true, "\(recorded)")
            }
        }
    }

    @Test("a rollout left paused: gantry status --json and /api/v1/status write the same document")
    func pausedStatusDocument() throws {
        let noData = #"max(fleet_errors{fleet="FLEET",instance=~"{batch_hosts}:PORT",release="never-deployed"})"#
        let (project, fleet, environment) = try project(query: noData, batches: "[1, \"100%\"]", onPause: "exit")
        let paused = try project.gantry("deploy", "production", "--release", "1.0", environment: environment)
        #expect(paused.status == 5, "\(paused.output)")
        let serve = try ServeProcess(project: project, environment: environment)
        let pair = try StatusDocuments.agreeing(project, serve: serve, environment: environment)
        #expect(pair.cli == pair.api, "paused: \(pair.cli) vs \(pair.api)")
        #expect((pair.cli["rollout"] as? [String: Any])?["paused"] is String, "\(pair.cli)")
        #expect(StatusDocuments.lock(pair.cli)?["held_by_hand"] as? Bool == false)
        #expect(try project.gantry("promote", "production", "--reason", "done looking", environment: environment).status == 0)
        // The fleet serves the hosts until here.
        #expect(fleetTests.releases(project, fleet).values.allSatisfy { $0 == "1.0" })
    }

    @Test("on_pause: exit: the deploy exits 5 leaving the rollout paused; gantry promote from another process deploys the rest, gantry abort rolls it back")
    func pauseExits() throws {
        let noData = #"max(fleet_errors{fleet="FLEET",instance=~"{batch_hosts}:PORT",release="never-deployed"})"#
        let (project, fleet, environment) = try project(query: noData, batches: "[1, \"100%\"]", onPause: "exit")
        for (release, decision) in [("1.0", "promote"), ("2.0", "abort")] {
            try? FileManager.default.removeItem(at: project.directory.appendingPathComponent("commands.log"))
            let paused = try project.gantry("deploy", "production", "--release", release, environment: environment)
            #expect(paused.status == 5, "\(paused.output)")
            #expect(paused.stdout.contains("PAUSED"), "\(paused.stdout)")
            let status = try #require((try project.json("status", environment: environment)["environments"] as? [[String: Any]])?.first)
            #expect((status["rollout"] as? [String: Any])?["paused"] is String, "\(status)")
            #expect(!(status["lock"] is NSNull), "the paused rollout keeps its lease")
            // Another deploy is not let in while it is paused.
            #expect(try project.gantry("deploy", "production", "--release", "9.9", "--wait", "0s", environment: environment).status == 3)
            // The decision's process carries the rollout on (its own analyses find no data
            // again on a later bake only when there is one: here batch 2 is the last).
            let decided = try project.gantry(decision, "production", "--reason", "looked at it", environment: environment)
            if decision == "promote" {
                #expect(decided.status == 0, "\(decided.output)")
                #expect(fleetTests.commands(project).count == 2)
                #expect(fleetTests.releases(project, fleet).values.allSatisfy { $0 == "1.0" })
            } else {
                #expect(decided.status == 1, "\(decided.output)")
                #expect(fleetTests.commands(project) == ["deploy 2.0 web-01", "rollback 1.0 web-01"])
                let recorded = try #require((try project.json("history", "production", environment: environment)["deployments"] as? [[String: Any]])?.first { $0["release"] as? String == "2.0" })
                #expect(recorded["reason_code"] as? String == "rollout_aborted", "\(recorded)")
            }
            let after = try #require((try project.json("status", environment: environment)["environments"] as? [[String: Any]])?.first)
            #expect(after["lock"] is NSNull, "\(after)")
        }
    }
}
