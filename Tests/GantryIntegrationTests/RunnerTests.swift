import Foundation
import GantryTestSupport
import Testing
#if canImport(Glibc)
import Glibc
#endif

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
        let closedPort = try GantryTestSupport.closedPort()
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
        // Without the timeout this would hang for good; the bound leaves room for a loaded
        // machine starting a debug binary (the speed itself is measured in scripts/bench).
        #expect(elapsed < 3, "failover took \(elapsed)s")
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
              - { name: primary, priority: 1, health: [ { github: { repo: acme/app, runner: primary-01, token_env: GH_TOKEN, api_url: "\(api)", timeout: 1s } } ] }
              - { name: secondary, priority: 2, health: [ { github: { repo: acme/app, runner: secondary-01, token_env: GH_TOKEN, api_url: "\(api)", timeout: 1s } } ] }
            """)
        let good = try project.gantry("select-runner", "production", environment: ["GH_TOKEN": "t0k-secret"])
        #expect(good.stdout == "secondary\n", "\(good.output)")
        let table = try project.gantry("runners", environment: ["GH_TOKEN": "t0k-secret"])
        #expect(table.stdout.contains("primary-01 is offline; 4321 API calls left this hour"))
        #expect(table.stdout.contains("secondary-01 is online, busy with a job; 4320 API calls left this hour"), "the secondary is on page 2")
        let bad = try project.gantry("runners", "--json", environment: ["GH_TOKEN": "wrong"])
        #expect(bad.status == 3)
        #expect(bad.stdout.contains("rejected the token in GH_TOKEN (401)"))
        #expect(!bad.output.contains("wrong\""))
        let answers = [
            ("t0k-ratelimited", "GitHub API rate limit exhausted until 2030-01-01"),
            ("t0k-noperm", "GitHub refused (403): the token needs read access to self-hosted runners"),
            ("t0k-boom", "GitHub's API failed (HTTP 502): the runner's state is unknown"),
            // The source's deadline and the HTTP client's own timeout are both 1 s; either may
            // speak first ("no answer within 1.0s", "no answer from the GitHub API in time").
            ("t0k-slow", "no answer"),
        ]
        for (token, reason) in answers {
            let started = Date()
            let refused = try project.gantry("select-runner", "production", environment: ["GH_TOKEN": token])
            #expect(refused.status == 3, "\(token): \(refused.output)")
            #expect(refused.stderr.contains("primary: github: \(reason)"), "\(token): \(refused.stderr)")
            #expect(!refused.output.contains(token), "the token must never be printed")
            #expect(Date().timeIntervalSince(started) < 3, "\(token) took too long")
        }
        let missing = try project.gantry("select-runner", "production")
        #expect(missing.status == 3)
        #expect(missing.stderr.contains("GH_TOKEN is not set"))
    }

    @Test("deploy runs its runner's local checks before the lock: unfit refuses with exit 3, recorded as runner_unfit, and changes nothing")
    func deployGate() throws {
        let project = try project(runners: """
              - { name: primary, priority: 1, health: [ { local: { tools: [sh, no-such-deploy-tool], min_free_disk: 1MiB } } ] }
              - { name: secondary, priority: 2, health: [ { local: { tools: [sh], min_free_disk: 1MiB } } ] }
            """)
        let refused = try project.gantry("deploy", "production", "--release", "1.0.0", environment: ["GANTRY_RUNNER": "primary"])
        #expect(refused.status == 3, "\(refused.output)")
        #expect(refused.output.contains("runner primary (identified by GANTRY_RUNNER) is not fit to deploy: local: no-such-deploy-tool is not on PATH"))
        let untouched = try #require((try project.json("status")["environments"] as? [[String: Any]])?.first)
        #expect(untouched["current"] is NSNull && untouched["lock"] is NSNull, "a refused gate deploys nothing: \(untouched)")
        let recorded = try #require((try project.json("history", "production")["deployments"] as? [[String: Any]])?.first)
        #expect(recorded["outcome"] as? String == "refused")
        #expect(recorded["reason_code"] as? String == "runner_unfit")
        #expect(recorded["runner"] as? String == "primary")
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

    @Test("Prometheus scrapes two runner exporters; when the primary's stops, select-runner fails over to the secondary",
          .enabled(if: ProcessInfo.processInfo.environment["GANTRY_TEST_PROMETHEUS_TARGETS"] != nil || ProcessInfo.processInfo.environment["CI"] == "true"))
    func prometheusFailover() throws {
        let url = try #require(ProcessInfo.processInfo.environment["GANTRY_TEST_PROMETHEUS_URL"])
        let targets = try #require(ProcessInfo.processInfo.environment["GANTRY_TEST_PROMETHEUS_TARGETS"])
        let primary = try runnerExporter()
        let secondary = try runnerExporter()
        let scenario = UUID().uuidString.lowercased()
        let file = "\(targets)/\(scenario).json"
        let list = #"[{"targets":["127.0.0.1:\#(primary.port)"],"labels":{"runner":"primary","scenario":"\#(scenario)"}},"# +
            #"{"targets":["127.0.0.1:\#(secondary.port)"],"labels":{"runner":"secondary","scenario":"\#(scenario)"}}]"#
        try Data(list.utf8).write(to: URL(fileURLWithPath: file + ".tmp"))
        try FileManager.default.moveItem(atPath: file + ".tmp", toPath: file)
        defer { try? FileManager.default.removeItem(atPath: file) }
        let project = try project(runners: """
              - { name: primary, labels: [self-hosted, production, primary], priority: 1, health: [ { prometheus: { url: "\(url)", query: 'up{job="runners",scenario="\(scenario)",runner="primary"}' } } ] }
              - { name: secondary, labels: [self-hosted, production, secondary], priority: 2, health: [ { prometheus: { url: "\(url)", query: 'up{job="runners",scenario="\(scenario)",runner="secondary"}' } } ] }
            """)
        func choice(until expected: String) throws -> GantryBinary.Result {
            let deadline = Date().addingTimeInterval(20)
            var result = try project.gantry("select-runner", "production")
            while result.stdout != expected + "\n", Date() < deadline {
                Thread.sleep(forTimeInterval: 0.25)
                result = try project.gantry("select-runner", "production")
            }
            return result
        }
        let before = try choice(until: "primary")
        #expect(before.stdout == "primary\n", "Prometheus never saw both exporters up: \(before.output)")
        primary.stop()
        let after = try choice(until: "secondary")
        #expect(after.stdout == "secondary\n", "\(after.output)")
        #expect(after.stderr.contains("failover: primary is unhealthy (prometheus: value 0"), "\(after.stderr)")
        _ = secondary.port
    }
}
