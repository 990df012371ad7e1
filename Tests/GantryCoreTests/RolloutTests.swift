import Foundation
import GantryCore
import GantryTestSupport
import Testing

@Suite("rollout in batches")
struct RolloutTests {
    let origin = Origin(host: "ci-1", pid: 42, process: FakeProcesses.here)

    func hosts(_ count: Int) -> [TargetHost] {
        (1...count).map { TargetHost(name: "h\($0)") }
    }

    /// An environment of `count` hosts rolled out in `batches`, with a host check and a
    /// rollback command; 1.0 is already live.
    func seeded(_ store: MemoryStateStore, count: Int, batches: [RolloutConfig.Size], bake: Duration = .zero) async throws -> DeploymentRequest {
        var environment = EnvironmentConfig(
            name: "production", targets: hosts(count).map(\.name), deploy: CommandConfig(argv: ["./deploy.sh", "{release}", "--limit", "{targets}"]),
            rollback: CommandConfig(argv: ["./rollback.sh", "{release}", "--limit", "{targets}"]),
            checks: [CheckConfig(name: "web", probe: .http(HTTPProbeConfig(url: "http://{host}/health")), timing: CheckTiming(timeout: .seconds(1), retries: 0, interval: .zero, startPeriod: .zero))]
        )
        var first = DeploymentRequest(environment: environment, release: try Release("1.0"), force: false, directory: "/srv/app", origin: origin, processEnvironment: [:])
        _ = try await DeploymentEngine(store: store, runner: ScriptedRunner([.success(([], .exited(0)))]), prober: ScriptedProber(), processes: FakeProcesses(), clock: TestClock()).run(first)
        environment.rollout = RolloutConfig(batches: batches, bake: bake)
        first.environment = environment
        first.release = try Release("2.0")
        return first
    }

    @Test("sizes are cumulative; a size that adds no host makes no batch; hosts left over form a last batch")
    func split() {
        let canary = RolloutConfig(batches: [.hosts(1), .percent(10), .percent(50), .percent(100)])
        #expect(canary.split(hosts(20)).map(\.count) == [1, 1, 8, 10])
        #expect(canary.split(hosts(20)).first?.map(\.name) == ["h1"])
        #expect(RolloutConfig(batches: [.hosts(1), .percent(10)]).split(hosts(5)).map(\.count) == [1, 4])
        #expect(RolloutConfig(batches: [.hosts(2), .hosts(50)]).split(hosts(3)).map(\.count) == [2, 1])
        #expect(RolloutConfig(batches: [.percent(34), .percent(100)]).split(hosts(3)).map(\.count) == [2, 1])
    }

    @Test("rollout: parses, and bad sizes are named with their position")
    func parsing() throws {
        let config = try ConfigParser.parse(text: """
            version: 1
            environments:
              production:
                deploy: { command: [./deploy.sh] }
                rollout: { batches: [1, "10%", "100%"], bake: 2m }
            """, file: "gantry.yml", directory: "/srv/app")
        let rollout = try #require(config.environment("production")?.rollout)
        #expect(rollout.batches == [.hosts(1), .percent(10), .percent(100)])
        #expect(rollout.bake == .seconds(120))
        do {
            _ = try ConfigParser.parse(text: """
                version: 1
                environments:
                  production:
                    deploy: { command: [./deploy.sh] }
                    rollout: { batches: [2, 1, "50%", "0%", "abc", "40%"] }
                """, file: "gantry.yml", directory: "/srv/app")
            Issue.record("bad batch sizes were accepted")
        } catch {
            let paths = error.issues.map(\.keyPath)
            #expect(paths.contains("environments.production.rollout.batches[1]"), "\(paths)")
            #expect(paths.contains("environments.production.rollout.batches[3]"), "\(paths)")
            #expect(paths.contains("environments.production.rollout.batches[4]"), "\(paths)")
            #expect(paths.contains("environments.production.rollout.batches[5]"), "\(paths)")
            #expect(error.issues.allSatisfy { $0.position != nil })
        }
    }

    @Test("a healthy rollout deploys each batch with its hosts in {targets} and GANTRY_TARGETS, checking the hosts deployed so far")
    func healthy() async throws {
        let store = MemoryStateStore()
        let request = try await seeded(store, count: 6, batches: [.hosts(1), .percent(50), .percent(100)])
        let runner = ScriptedRunner(Array(repeating: .success(([], .exited(0))), count: 3))
        let prober = ScriptedProber()
        let summary = try await DeploymentEngine(store: store, runner: runner, prober: prober, processes: FakeProcesses(), clock: TestClock()).run(request)
        #expect(summary.outcome == .succeeded, "\(summary.reason)")
        #expect(summary.reason.contains("in 3 batches"))
        #expect(runner.invocations.map { $0.argv.last } == ["h1", "h2,h3", "h4,h5,h6"])
        #expect(runner.invocations.map { $0.environment["GANTRY_TARGETS"] } == ["h1", "h2,h3", "h4,h5,h6"])
        // h1 is checked after each of the three batches; h4 only after the last.
        #expect(prober.attempts["http://h1/health"] == 3)
        #expect(prober.attempts["http://h4/health"] == 1)
        let journal = try await store.journal(summary.id)
        let batches = journal.filter { $0.event.kind == .batchStarted }.map(\.event)
        #expect(batches.map(\.message) == ["batch 1/3: h1", "batch 2/3: h2, h3", "batch 3/3: h4, h5, h6"])
        #expect(RolloutProgress.latest(in: journal) == RolloutProgress(batch: 3, batches: 3, hosts: ["h4", "h5", "h6"]))
        // Each batch is announced before its command starts.
        let kinds = journal.map(\.event.kind)
        let firstBatch = try #require(kinds.firstIndex(of: .batchStarted))
        #expect(kinds[firstBatch + 1] == .commandStarted)
        #expect(try await store.environmentState("production").current == "2.0")
    }

    @Test("a canary that fails its checks: only the canary is rolled back, and verified")
    func canaryFails() async throws {
        let store = MemoryStateStore()
        let request = try await seeded(store, count: 6, batches: [.hosts(1), .percent(50), .percent(100)])
        let runner = ScriptedRunner([.success(([], .exited(0))), .success(([], .exited(0)))])
        let prober = ScriptedProber(failing: ["http://h1/health": "HTTP 503"], failTimes: 1)
        let summary = try await DeploymentEngine(store: store, runner: runner, prober: prober, processes: FakeProcesses(), clock: TestClock()).run(request)
        #expect(summary.outcome == .rolledBack, "\(summary.reason)")
        #expect(summary.reason.contains("(batch 1/3)"))
        #expect(summary.reason.contains("rolled back the hosts of batch 1 to 1.0"))
        #expect(runner.invocations.map(\.argv) == [["/srv/app/deploy.sh", "2.0", "--limit", "h1"], ["/srv/app/rollback.sh", "1.0", "--limit", "h1"]])
        #expect(runner.invocations.last?.environment["GANTRY_TARGETS"] == "h1")
        #expect(prober.attempts["http://h2/health"] == nil, "a host never deployed was checked")
        #expect(try await store.environmentState("production").current == "1.0")
    }

    @Test("a deploy command that fails in batch 2 rolls back batches 1 and 2, not the rest")
    func secondBatchFails() async throws {
        let store = MemoryStateStore()
        let request = try await seeded(store, count: 6, batches: [.hosts(1), .percent(50), .percent(100)])
        let runner = ScriptedRunner([.success(([], .exited(0))), .success(([], .exited(2))), .success(([], .exited(0)))])
        let summary = try await DeploymentEngine(store: store, runner: runner, prober: ScriptedProber(), processes: FakeProcesses(), clock: TestClock()).run(request)
        #expect(summary.outcome == .rolledBack, "\(summary.reason)")
        #expect(summary.reason.contains("batch 2/3"))
        #expect(summary.reason.contains("the hosts of batches 1-2"))
        #expect(runner.invocations.last?.argv == ["/srv/app/rollback.sh", "1.0", "--limit", "h1,h2,h3"])
    }

    @Test("bake waits between batches, not after the last, and checks the batch again at its end")
    func bake() async throws {
        let store = MemoryStateStore()
        let request = try await seeded(store, count: 4, batches: [.hosts(1), .percent(100)], bake: .seconds(90))
        let runner = ScriptedRunner([.success(([], .exited(0))), .success(([], .exited(0)))])
        let prober = ScriptedProber()
        let clock = TestClock()
        let summary = try await DeploymentEngine(store: store, runner: runner, prober: prober, processes: FakeProcesses(), clock: clock).run(request)
        #expect(summary.outcome == .succeeded, "\(summary.reason)")
        #expect(clock.slept.filter { $0 == .seconds(90) }.count == 1)
        // The canary: after its deploy, after the bake, and after the last batch.
        #expect(prober.attempts["http://h1/health"] == 3)
        #expect(try await store.journal(summary.id).contains { $0.event.message?.hasPrefix("baking batch 1/2 for 1m30s") == true })
    }

    @Test("a canary that goes bad during its bake is rolled back alone")
    func failsAfterBake() async throws {
        let store = MemoryStateStore()
        let request = try await seeded(store, count: 4, batches: [.hosts(1), .percent(100)], bake: .seconds(30))
        let runner = ScriptedRunner([.success(([], .exited(0))), .success(([], .exited(0)))])
        // Passes right after the deploy, fails at the end of the bake, passes after the rollback.
        let prober = SequenceProber(["http://h1/health": [true, false, true]])
        let summary = try await DeploymentEngine(store: store, runner: runner, prober: prober, processes: FakeProcesses(), clock: TestClock()).run(request)
        #expect(summary.outcome == .rolledBack, "\(summary.reason)")
        #expect(summary.reason.contains("after baking"))
        #expect(runner.invocations.last?.argv == ["/srv/app/rollback.sh", "1.0", "--limit", "h1"])
    }

    @Test("recovery of a rollout killed in batch 2 rolls back only the hosts of the batches it started")
    func recovery() async throws {
        let store = MemoryStateStore()
        var request = try await seeded(store, count: 6, batches: [.hosts(1), .percent(50), .percent(100)])
        let dead = DeploymentRecord(id: DeploymentID(rawValue: "20261129-000000.000-00dead"), environment: "production", release: "2.0", startedAt: Date(), origin: Origin(host: "ci-1", pid: 31337, process: FakeProcesses.here))
        try await store.beginDeployment(dead, token: nil)
        for progress in [RolloutProgress(batch: 1, batches: 3, hosts: ["h1"]), RolloutProgress(batch: 2, batches: 3, hosts: ["h2", "h3"])] {
            try await store.append(progress.journalEvent, to: dead.id, at: Date(), token: nil)
            try await store.append(JournalEvent(kind: .commandStarted, step: "deploy", attempt: 1, command: ["./deploy.sh"]), to: dead.id, at: Date(), token: nil)
        }
        request.kind = .recover
        let runner = ScriptedRunner([.success(([], .exited(0)))])
        let prober = ScriptedProber()
        let summary = try await DeploymentEngine(store: store, runner: runner, prober: prober, processes: FakeProcesses(), clock: TestClock()).run(request)
        #expect(summary.outcome == .succeeded, "\(summary.reason)")
        #expect(runner.invocations.map(\.argv) == [["/srv/app/rollback.sh", "1.0", "--limit", "h1,h2,h3"]])
        #expect(prober.attempts["http://h4/health"] == nil)
        #expect(prober.attempts["http://h3/health"] == 1)
        let recovered = try #require(try await store.deployment(dead.id))
        #expect(recovered.reason?.contains("only h1, h2, h3") == true, "\(recovered.reason ?? "")")
    }

    @Test("without rollout: one command for every target, as before")
    func withoutRollout() async throws {
        let store = MemoryStateStore()
        var request = try await seeded(store, count: 3, batches: [.hosts(1)])
        request.environment.rollout = nil
        let runner = ScriptedRunner([.success(([], .exited(0)))])
        let summary = try await DeploymentEngine(store: store, runner: runner, prober: ScriptedProber(), processes: FakeProcesses(), clock: TestClock()).run(request)
        #expect(summary.outcome == .succeeded)
        #expect(runner.invocations.map { $0.argv.last } == ["h1,h2,h3"])
        #expect(try await store.journal(summary.id).allSatisfy { $0.event.kind != .batchStarted })
    }

    @Test("plan lists the batches")
    func plan() async throws {
        let store = MemoryStateStore()
        let request = try await seeded(store, count: 6, batches: [.hosts(1), .percent(50), .percent(100)], bake: .seconds(60))
        let plan = try DeploymentPlanner.plan(request, state: try await store.environmentState("production"), lastDeployment: nil, lease: nil, now: Date())
        let deploy = try #require(plan.items.first { $0.step == .deploy })
        #expect(deploy.action.contains("in 3 batches"))
        #expect(deploy.action.contains("batch 1 (the canary): h1; batch 2: h2, h3; batch 3: h4, h5, h6"))
        #expect(deploy.action.contains("baking 1m"))
    }

    @Test("an alert that starts firing mid-rollout fails the batch it fires after: the hosts deployed so far are rolled back")
    func alertMidRollout() async throws {
        let store = MemoryStateStore()
        var request = try await seeded(store, count: 6, batches: [.hosts(1), .percent(50), .percent(100)])
        request.environment.alertGate = AlertGateConfig(url: "http://alertmanager:9093", matchers: ["severity=\"critical\""])
        let runner = ScriptedRunner([.success(([], .exited(0))), .success(([], .exited(0))), .success(([], .exited(0)))])
        // Quiet before the deploy and after the canary; firing after batch 2.
        let alerts = ScriptedAlerts([[], [], [ActiveAlert(name: "HighErrorRate", labels: ["severity": "critical"], summary: "5xx above 5%")]])
        let summary = try await DeploymentEngine(store: store, runner: runner, prober: ScriptedProber(), processes: FakeProcesses(), clock: TestClock(), alerts: alerts).run(request)
        #expect(summary.outcome == .rolledBack, "\(summary.reason)")
        #expect(summary.reasonCode == .activeAlerts)
        #expect(summary.reason.contains("failed verification (batch 2/3): alertmanager: production has 1 active alert"), "\(summary.reason)")
        #expect(summary.reason.contains("HighErrorRate (5xx above 5%)"))
        #expect(runner.invocations.last?.argv == ["/srv/app/rollback.sh", "1.0", "--limit", "h1,h2,h3"])
        #expect(alerts.asked == 3, "the rollback's verification does not ask")
    }
    @Test("with during_rollout: pause, an alert pauses the rollout instead; a promote after the last batch finishes it")
    func alertPauses() async throws {
        let store = MemoryStateStore()
        var request = try await seeded(store, count: 4, batches: [.hosts(1), .percent(100)])
        request.environment.alertGate = AlertGateConfig(url: "http://alertmanager:9093", matchers: ["severity=\"critical\""], duringRollout: .pause)
        let runner = ScriptedRunner([.success(([], .exited(0))), .success(([], .exited(0)))])
        let firing = [ActiveAlert(name: "HighErrorRate", labels: ["severity": "critical"])]
        // Quiet before the deploy, firing after the canary and after the last batch.
        let alerts = ScriptedAlerts([[], firing, firing])
        let clock = DecidingClock(store: store, decision: .promoted)
        let summary = try await DeploymentEngine(store: store, runner: runner, prober: ScriptedProber(), processes: FakeProcesses(), clock: clock, alerts: alerts).run(request)
        #expect(summary.outcome == .succeeded, "\(summary.reason)")
        #expect(summary.reason.contains("release 2.0 deployed in 2 batches and verified"), "\(summary.reason)")
        let journal = try await store.journal(summary.id)
        #expect(journal.filter { $0.event.kind == .paused }.count == 2)
        #expect(journal.first { $0.event.kind == .paused }?.event.message?.contains("alertmanager (during_rollout: pause)") == true)
        #expect(runner.invocations.count == 2)
    }
}

/// Answers the alert gate from a script, one answer per question; quiet once it runs out.
final class ScriptedAlerts: AlertSource, @unchecked Sendable {
    private let lock = NSLock()
    private var answers: [[ActiveAlert]]
    private(set) var asked = 0

    init(_ answers: [[ActiveAlert]]) {
        self.answers = answers
    }

    func activeAlerts(_ gate: AlertGateConfig, url: String, timeout: Duration) async -> AlertQuery {
        lock.withLock {
            asked += 1
            return .alerts(answers.isEmpty ? [] : answers.removeFirst())
        }
    }
}

/// A prober whose verdicts for each URL follow a script (true passes), then pass.
final class SequenceProber: Prober, @unchecked Sendable {
    private let lock = NSLock()
    private var script: [String: [Bool]]

    init(_ script: [String: [Bool]]) {
        self.script = script
    }

    func probe(_ probe: ProbeConfig, timeout: Duration) async -> ProbeVerdict {
        let key: String = if case .http(let http) = probe { http.url } else { probe.kind }
        let passes = lock.withLock { () -> Bool in
            guard var verdicts = script[key], !verdicts.isEmpty else { return true }
            let next = verdicts.removeFirst()
            script[key] = verdicts
            return next
        }
        return passes ? .pass("ok") : .fail("HTTP 503")
    }
}
