import Foundation
import GantryCore
import GantryTestSupport
import Testing

/// Pause steps in `rollout.batches`: `pause` holds the rollout for `gantry promote`, `pause:
/// 10m` for that long; `gantry promote --full` goes on without the remaining pause steps and
/// bakes, every batch still checked.
@Suite("rollout pause steps")
struct PauseStepTests {
    let origin = Origin(host: "ci-1", pid: 42, process: FakeProcesses.here)

    func parse(_ batches: String) throws(ConfigError) -> RolloutConfig? {
        try ConfigParser.parse(text: """
            version: 1
            environments:
              production:
                deploy: { command: [./deploy.sh] }
                rollout: { batches: \(batches) }
            """, file: "gantry.yml", directory: "/srv/app").environment("production")?.rollout
    }

    @Test("pause and pause: DURATION stand between sizes; pause: {} and pause: (null) hold until promoted")
    func parsing() throws {
        let rollout = try #require(try parse(#"[1, pause, "50%", pause: 10m, "100%"]"#))
        #expect(rollout.batches == [.hosts(1), .percent(50), .percent(100)])
        #expect(rollout.pauses == [0: .untilPromoted, 1: .timed(.seconds(600))])
        #expect(try parse(#"[1, {pause: {}}, "100%"]"#)?.pauses == [0: .untilPromoted])
        #expect(try parse("[1, {pause: }, 2]")?.pauses == [0: .untilPromoted])
        for (batches, index, message) in [
            (#"[pause, 1, "100%"]"#, 0, "a pause cannot come before the first batch"),
            (#"[1, pause, pause: 5m, "100%"]"#, 2, "two pauses in a row"),
            (#"[1, "100%", pause]"#, 2, "a pause after the last batch holds nothing back"),
        ] {
            do {
                _ = try parse(batches)
                Issue.record("\(batches) was accepted")
            } catch {
                let issue = error.issues.first { $0.keyPath == "environments.production.rollout.batches[\(index)]" }
                #expect(issue?.message == message, "\(error.issues)")
            }
        }
    }

    @Test("a pause step follows the batch its size made; after a size that made none, the batch before")
    func steps() {
        var rollout = RolloutConfig(batches: [.hosts(1), .percent(10), .percent(50), .percent(100)])
        rollout.pauses = [1: .untilPromoted, 2: .timed(.seconds(60))]
        // 6 hosts: 1, 10% (1: no batch), 50% (3), 100% (6): the 10% pause holds after batch 1.
        #expect(rollout.split((1...6).map { TargetHost(name: "h\($0)") }).map(\.count) == [1, 2, 3])
        #expect(rollout.pauseSteps(of: 6) == [1: .untilPromoted, 2: .timed(.seconds(60))])
        // 20 hosts: 1, 2, 10, 20.
        #expect(rollout.pauseSteps(of: 20) == [2: .untilPromoted, 3: .timed(.seconds(60))])
    }

    /// A machine deploying batch 1 of 3 with these pause steps and `bake`.
    func machine(pauses: [Int: RolloutConfig.PauseStep], bake: Duration = .zero) -> DeploymentStateMachine {
        let policy = DeploymentStateMachine.Policy(canRollBack: true, batches: 3, bake: bake, pauseTimeout: .seconds(3600), pauses: pauses)
        var machine = DeploymentStateMachine(release: "2.0", force: false, policy: policy, random: { 0.5 })
        _ = machine.handle(.lockAcquired)
        _ = machine.handle(.stateRead(EnvironmentState(name: "p", current: "1.0", lastGood: "1.0"), lastDeployment: nil))
        _ = machine.handle(.preflightDone(failures: []))
        return machine
    }

    @Test("the machine holds at a pause step after the batch's checks (and bake), and goes on when promoted")
    func holds() {
        var machine = machine(pauses: [1: .untilPromoted, 2: .timed(.seconds(600))], bake: .seconds(90))
        #expect(machine.handle(.commandFinished(.exited(0))) == .verify)
        #expect(machine.handle(.verified(failures: [], checked: 1)) == .bake(for: .seconds(90)))
        let held = machine.handle(.verified(failures: [], checked: 1))
        #expect(held == .pause(PauseReason(release: "2.0", batch: BatchPosition(1, of: 3), why: "pause step: held until 'gantry promote'"), timeout: .seconds(3600)))
        #expect(machine.handle(.promoted("promoted by alice")) == .runDeploy(attempt: 1, after: .zero))
        #expect(machine.handle(.commandFinished(.exited(0))) == .verify)
        #expect(machine.handle(.verified(failures: [], checked: 3)) == .bake(for: .seconds(90)))
        var timed = PauseReason(release: "2.0", batch: BatchPosition(2, of: 3), why: "pause step: held for 10m, then on by itself")
        timed.timed = true
        #expect(machine.handle(.verified(failures: [], checked: 3)) == .pause(timed, timeout: .seconds(600)))
        #expect(machine.handle(.promoted("the pause step's 10m passed")) == .runDeploy(attempt: 1, after: .zero))
        #expect(machine.handle(.commandFinished(.exited(0))) == .verify)
        #expect(machine.handle(.verified(failures: [], checked: 6)) == .finish(.succeeded, reason: .deployed(release: "2.0", kind: .deploy, batches: 3, checked: 6), promote: true))
    }

    @Test("aborted at a pause step rolls back the batches deployed so far")
    func abortedAtStep() {
        var machine = machine(pauses: [1: .untilPromoted])
        _ = machine.handle(.commandFinished(.exited(0)))
        guard case .pause = machine.handle(.verified(failures: [], checked: 1)) else {
            Issue.record("no pause")
            return
        }
        #expect(machine.handle(.aborted("aborted by bob", .rolloutAborted)) == .runRollback(to: "1.0"))
    }

    @Test("promote --full: no more pause steps or bakes, every batch still checked")
    func full() {
        var machine = machine(pauses: [1: .untilPromoted, 2: .untilPromoted], bake: .seconds(90))
        _ = machine.handle(.commandFinished(.exited(0)))
        _ = machine.handle(.verified(failures: [], checked: 1))
        guard case .pause = machine.handle(.verified(failures: [], checked: 1)) else {
            Issue.record("no pause")
            return
        }
        #expect(machine.handle(.promoted("promoted in full by alice", full: true)) == .runDeploy(attempt: 1, after: .zero))
        #expect(machine.skipsWaits)
        #expect(machine.handle(.commandFinished(.exited(0))) == .verify)
        #expect(machine.handle(.verified(failures: [], checked: 3)) == .runDeploy(attempt: 1, after: .zero))
        #expect(machine.handle(.commandFinished(.exited(0))) == .verify)
        #expect(machine.handle(.verified(failures: [], checked: 6)) == .finish(.succeeded, reason: .deployed(release: "2.0", kind: .deploy, batches: 3, checked: 6), promote: true))
    }

    @Test("a promote of an inconclusive pause lets the batch's pause step pass too")
    func promotedPauseCountsForTheStep() {
        var machine = machine(pauses: [1: .untilPromoted], bake: .seconds(90))
        _ = machine.handle(.commandFinished(.exited(0)))
        _ = machine.handle(.verified(failures: [], checked: 1))
        guard case .pause = machine.handle(.inconclusive("analysis errors: no data", checked: 1)) else {
            Issue.record("no pause")
            return
        }
        #expect(machine.handle(.promoted("promoted by alice")) == .runDeploy(attempt: 1, after: .zero))
    }

    /// An environment of 6 hosts in batches [1, 50%, 100%] with `pauses`, a host check, and
    /// 1.0 live.
    func seeded(_ store: MemoryStateStore, pauses: [Int: RolloutConfig.PauseStep], bake: Duration = .zero, onPause: RolloutConfig.OnPause = .wait) async throws -> DeploymentRequest {
        var environment = EnvironmentConfig(
            name: "production", targets: (1...6).map { "h\($0)" }, deploy: CommandConfig(argv: ["./deploy.sh", "{release}", "--limit", "{targets}"]),
            rollback: CommandConfig(argv: ["./rollback.sh", "{release}", "--limit", "{targets}"]),
            checks: [CheckConfig(name: "web", probe: .http(HTTPProbeConfig(url: "http://{host}/health")), timing: CheckTiming(timeout: .seconds(1), retries: 0, interval: .zero, startPeriod: .zero))]
        )
        var first = DeploymentRequest(environment: environment, release: try Release("1.0"), force: false, directory: "/srv/app", origin: origin, processEnvironment: [:])
        _ = try await DeploymentEngine(store: store, runner: ScriptedRunner([.success(([], .exited(0)))]), prober: ScriptedProber(), processes: FakeProcesses(), clock: TestClock()).run(first)
        // A lease longer than the test clock's bakes and pauses: the test clock moves at once,
        // and an expired lease is never renewed, the pause's extension included.
        environment.lease = .seconds(7200)
        var rollout = RolloutConfig(batches: [.hosts(1), .percent(50), .percent(100)], bake: bake, pauseTimeout: .seconds(3600), onPause: onPause)
        rollout.pauses = pauses
        environment.rollout = rollout
        first.environment = environment
        first.release = try Release("2.0")
        return first
    }

    @Test("the engine waits out a timed pause step, journaled, then deploys the next batch")
    func timedInEngine() async throws {
        let store = MemoryStateStore()
        let request = try await seeded(store, pauses: [1: .timed(.seconds(600))], onPause: .exit)
        let runner = ScriptedRunner(Array(repeating: .success(([], .exited(0))), count: 3))
        let clock = TestClock()
        let summary = try await DeploymentEngine(store: store, runner: runner, prober: ScriptedProber(), processes: FakeProcesses(), clock: clock).run(request)
        // A timed step waits in the deploying process even with on_pause: exit.
        #expect(summary.outcome == .succeeded, "\(summary.reason)")
        let journal = try await store.journal(summary.id).map(\.event)
        #expect(journal.contains { $0.kind == .paused && $0.message?.contains("pause step: held for 10m, then on by itself") == true })
        #expect(journal.contains { $0.kind == .promoted && $0.message == "the pause step's 10m passed" })
        #expect(journal.filter { $0.kind == .batchStarted }.count == 3)
    }

    @Test("on_pause: exit leaves the rollout at its pause step; promote --full carries it on without the remaining steps and bakes")
    func exitThenFull() async throws {
        let store = MemoryStateStore()
        let request = try await seeded(store, pauses: [1: .untilPromoted, 2: .untilPromoted], bake: .seconds(90), onPause: .exit)
        let clock = TestClock()
        let engine = DeploymentEngine(
            store: store, runner: ScriptedRunner(Array(repeating: .success(([], .exited(0))), count: 3)), prober: ScriptedProber(), processes: FakeProcesses(), clock: clock
        )
        let paused = try await engine.run(request)
        #expect(paused.outcome == .paused, "\(paused.reason)")
        #expect(paused.reason.contains("pause step: held until 'gantry promote'"), "\(paused.reason)")
        let next = try await PauseDecision.decide(
            .promoted, environment: "production", who: "bob on ci-2", reason: nil, masker: request.masker, store: store, now: clock.now(), full: true
        )
        guard case .resume(let rollout) = next else {
            Issue.record("not left for this process to carry on: \(next)")
            return
        }
        var resumed = request
        resumed.resume = rollout
        let bakesBefore = clock.slept.filter { $0 == .seconds(90) }.count
        let summary = try await engine.run(resumed)
        #expect(summary.outcome == .succeeded, "\(summary.reason)")
        #expect(clock.slept.filter { $0 == .seconds(90) }.count == bakesBefore, "no bake after --full")
        let journal = try await store.journal(summary.id).map(\.event)
        #expect(journal.contains { $0.kind == .promoted && $0.full == true && $0.message?.contains("promoted in full (no more pauses or bakes) by bob on ci-2") == true })
        #expect(journal.filter { $0.kind == .paused }.count == 1, "batch 2's pause step was skipped")
        #expect(journal.filter { $0.kind == .checkResult }.count >= 1 + 3 + 6, "every batch was checked")
    }
}
