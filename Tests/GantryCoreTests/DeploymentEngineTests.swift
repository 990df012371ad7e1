import Foundation
import GantryCore
import GantryTestSupport
import Testing

@Suite("deployment engine")
struct DeploymentEngineTests {
    let origin = Origin(host: "ci-1", pid: 42, process: FakeProcesses.here)

    func request(_ release: String, force: Bool = false, secrets: [String] = [], env: [String: String] = [:]) throws -> DeploymentRequest {
        let environment = EnvironmentConfig(name: "production", targets: ["web-1"], secrets: secrets, deploy: CommandConfig(argv: ["./deploy.sh", "{release}"]))
        return DeploymentRequest(environment: environment, release: try Release(release), force: force, directory: "/srv/app", origin: origin, processEnvironment: env)
    }

    @Test("a successful deploy is journaled, promoted and unlocks")
    func success() async throws {
        let store = MemoryStateStore()
        let runner = ScriptedRunner([.success((["hello"], .exited(0)))])
        let engine = DeploymentEngine(store: store, runner: runner, prober: ScriptedProber(), processes: FakeProcesses(), clock: TestClock())
        let summary = try await engine.run(request("1.0"))
        #expect(summary.outcome == .succeeded)
        #expect(runner.invocations.first?.argv == ["/srv/app/deploy.sh", "1.0"])
        let state = try await store.environmentState("production")
        #expect(state.current == "1.0")
        #expect(state.lastGood == "1.0")
        let kinds = try await store.journal(summary.id).map(\.event.kind)
        #expect(kinds == [.deploymentStarted, .decision, .checkResult, .checkResult, .commandStarted, .commandSpawned, .output, .commandFinished, .verificationStarted, .promoting, .deploymentFinished])
        #expect(try await store.lease(environment: "production") == nil)
    }

    @Test("every command gets the lease's fencing token, which grows with every lease of the environment")
    func fencingToken() async throws {
        let store = MemoryStateStore()
        var environment = EnvironmentConfig(name: "production", targets: ["web-1"], deploy: CommandConfig(argv: ["./deploy.sh", "{release}"]))
        environment.rollback = CommandConfig(argv: ["./rollback.sh", "{release}"])
        let runner = ScriptedRunner([.success(([], .exited(0))), .success(([], .exited(1))), .success(([], .exited(0)))])
        let clock = TestClock()
        let engine = DeploymentEngine(store: store, runner: runner, prober: ScriptedProber(), processes: FakeProcesses(), clock: clock)
        let request = { (release: String) in
            DeploymentRequest(environment: environment, release: try Release(release), force: false, directory: "/srv/app", origin: self.origin, processEnvironment: [:])
        }
        _ = try await engine.run(request("1.0"))
        clock.advance(.seconds(1))
        let failed = try await engine.run(request("2.0"))
        #expect(failed.outcome == .rolledBack)
        let tokens = runner.invocations.map { $0.environment["GANTRY_FENCING_TOKEN"].flatMap { Int64($0) } }
        #expect(tokens.count == 3)
        let first = try #require(tokens[0]), second = try #require(tokens[1])
        #expect(second > first, "a later lease, a higher token")
        #expect(tokens[2] == second, "the rollback runs under the same lease as its deploy")
    }

    @Test("promote_from: refused (not_promoted, exit 3) until the release soaked in staging; --skip-promotion deploys anyway, journaled")
    func promotionGate() async throws {
        let store = MemoryStateStore()
        let clock = TestClock()
        let runner = ScriptedRunner(Array(repeating: .success(([], .exited(0))), count: 4))
        let engine = DeploymentEngine(store: store, runner: runner, prober: ScriptedProber(), processes: FakeProcesses(), clock: clock)
        let staging = EnvironmentConfig(name: "staging", targets: ["s-1"], deploy: CommandConfig(argv: ["./deploy.sh", "{release}"]))
        var production = EnvironmentConfig(name: "production", targets: ["web-1"], deploy: CommandConfig(argv: ["./deploy.sh", "{release}"]))
        production.promoteFrom = PromotionConfig(environment: "staging", soak: .seconds(30 * 60))
        production.notify = [WebhookConfig(url: "https://hooks.example/gantry")]
        func request(_ environment: EnvironmentConfig, _ release: String, skip: String? = nil) throws -> DeploymentRequest {
            var request = DeploymentRequest(environment: environment, release: try Release(release), force: false, directory: "/srv/app", origin: origin, processEnvironment: [:])
            request.skipPromotion = skip
            return request
        }
        let early = try await engine.run(request(production, "2.0"))
        #expect(early.outcome == .refused)
        #expect(early.reasonCode == .notPromoted)
        #expect(early.reason.contains("2.0 never ran in staging"), "\(early.reason)")
        #expect(early.reason.contains("--skip-promotion --reason TEXT deploys anyway"))
        #expect(runner.invocations.isEmpty)
        _ = try await engine.run(request(staging, "2.0"))
        clock.advance(.seconds(12 * 60))
        var impatient = try request(production, "2.0")
        impatient.lockWait = .seconds(60)
        let soaking = try await engine.run(impatient)
        #expect(soaking.reasonCode == .notPromoted)
        #expect(soaking.reason.contains("2.0 has been live in staging for 12m of 30m"), "\(soaking.reason)")
        // With a --wait longer than the rest of the soak, the deploy waits for it.
        var patient = try request(production, "2.0")
        patient.lockWait = .seconds(20 * 60)
        let promoted = try await engine.run(patient)
        #expect(promoted.outcome == .succeeded)
        #expect(clock.slept.contains { $0 > .seconds(17 * 60) && $0 < .seconds(19 * 60) }, "\(clock.slept)")
        // Break glass: a release that never ran in staging, deployed anyway and said so.
        clock.advance(.seconds(60))
        let forced = try await engine.run(request(production, "2.1", skip: "hotfix for the outage"))
        #expect(forced.outcome == .succeeded)
        let notes = try await store.journal(forced.id).compactMap(\.event.message)
        #expect(notes.contains { $0.contains("promotion gate skipped by") && $0.contains("hotfix for the outage") && $0.contains("2.1 never ran in staging") }, "\(notes)")
        // Announced to the environment's webhooks, as its own event.
        let announced = try await store.notifications(of: forced.id)
        #expect(announced.map(\.event).contains(.breakGlass), "\(announced.map(\.event))")
        #expect(try await store.notifications(of: promoted.id).allSatisfy { $0.event != .breakGlass })
    }

    @Test("on_retry: rollback runs the rollback command and its checks between attempts, journaled as their own steps")
    func rollbackBetweenAttempts() async throws {
        let store = MemoryStateStore()
        var environment = EnvironmentConfig(name: "production", targets: ["web-1"], deploy: CommandConfig(argv: ["./deploy.sh", "{release}"]))
        environment.rollback = CommandConfig(argv: ["./rollback.sh", "{release}"])
        environment.retry = RetryPolicy(attempts: 2, backoff: .seconds(1), retryOn: [.exit(75)])
        environment.retry.onRetry = .rollback
        let runner = ScriptedRunner([.success(([], .exited(0))), .success(([], .exited(75))), .success(([], .exited(0))), .success(([], .exited(0)))])
        let clock = TestClock()
        let engine = DeploymentEngine(store: store, runner: runner, prober: ScriptedProber(), processes: FakeProcesses(), clock: clock)
        func request(_ release: String) throws -> DeploymentRequest {
            DeploymentRequest(environment: environment, release: try Release(release), force: false, directory: "/srv/app", origin: origin, processEnvironment: [:])
        }
        _ = try await engine.run(request("1.0"))
        clock.advance(.seconds(1))
        let summary = try await engine.run(request("2.0"))
        #expect(summary.outcome == .succeeded, "\(summary.reason)")
        #expect(summary.attempts == 2)
        #expect(runner.invocations.dropFirst().map(\.argv) == [["/srv/app/deploy.sh", "2.0"], ["/srv/app/rollback.sh", "1.0"], ["/srv/app/deploy.sh", "2.0"]])
        let steps = try await store.journal(summary.id).filter { $0.event.kind == .commandStarted || $0.event.kind == .verificationStarted }.map { $0.event.step ?? "" }
        #expect(steps == ["deploy", "rollback", "verify_rollback", "deploy", "verify"], "\(steps)")
        #expect(try await store.environmentState("production").current == "2.0")
    }

    @Test("the journal records the command before it runs")
    func journalBeforeSideEffect() async throws {
        let store = MemoryStateStore()
        let runner = ScriptedRunner([.success(([], .exited(0)))])
        let seen = LockedBox<[JournalEvent.Kind]>([])
        runner.onRun = {
            let deployments = try? await store.deployments(environment: "production", limit: 1)
            if let id = deployments?.first?.id {
                let kinds = (try? await store.journal(id).map(\.event.kind)) ?? []
                seen.set(kinds)
            }
        }
        _ = try await DeploymentEngine(store: store, runner: runner, prober: ScriptedProber(), processes: FakeProcesses(), clock: TestClock()).run(request("1.0"))
        #expect(seen.get().last == .commandStarted)
    }

    @Test("the same release again is skipped; --force deploys it")
    func skipAndForce() async throws {
        let store = MemoryStateStore()
        let runner = ScriptedRunner([.success(([], .exited(0))), .success(([], .exited(0)))])
        let clock = TestClock()
        let engine = DeploymentEngine(store: store, runner: runner, prober: ScriptedProber(), processes: FakeProcesses(), clock: clock)
        _ = try await engine.run(request("1.0"))
        clock.advance(.seconds(1))
        let again = try await engine.run(request("1.0"))
        #expect(again.outcome == .skipped)
        #expect(runner.invocations.count == 1)
        clock.advance(.seconds(1))
        let forced = try await engine.run(request("1.0", force: true))
        #expect(forced.outcome == .succeeded)
        #expect(runner.invocations.count == 2)
    }

    @Test("a failed command fails the deployment and leaves current alone")
    func failure() async throws {
        let store = MemoryStateStore()
        let clock = TestClock()
        let runner = ScriptedRunner([.success(([], .exited(0))), .success((["boom"], .exited(3)))])
        let engine = DeploymentEngine(store: store, runner: runner, prober: ScriptedProber(), processes: FakeProcesses(), clock: clock)
        _ = try await engine.run(request("1.0"))
        clock.advance(.seconds(1))
        let summary = try await engine.run(request("2.0"))
        #expect(summary.outcome == .failed)
        #expect(summary.previousRelease == "1.0")
        #expect(try await store.environmentState("production").current == "1.0")
        let finished = try await store.journal(summary.id).first { $0.event.kind == .commandFinished }
        #expect(finished?.event.exitCode == 3)
    }

    @Test("a command that cannot start is refused and changes nothing")
    func launchFailure() async throws {
        let store = MemoryStateStore()
        let runner = ScriptedRunner([.failure(CommandLaunchError(program: "./deploy.sh", reason: "no such file"))])
        let summary = try await DeploymentEngine(store: store, runner: runner, prober: ScriptedProber(), processes: FakeProcesses(), clock: TestClock()).run(request("1.0"))
        #expect(summary.outcome == .refused)
        #expect(summary.reason.contains("no such file"))
        #expect(try await store.environmentState("production").current == nil)
    }

    @Test("a held lock refuses before anything runs")
    func lockHeld() async throws {
        let store = MemoryStateStore()
        let clock = TestClock()
        _ = try await store.tryAcquireLock(environment: "production", owner: Origin(host: "other", pid: 7, runner: "secondary"), deploymentID: DeploymentID(rawValue: "20261129-000000.000-0other"), reason: "held by hand", ttl: .seconds(60), now: clock.now())
        let runner = ScriptedRunner([])
        let summary = try await DeploymentEngine(store: store, runner: runner, prober: ScriptedProber(), processes: FakeProcesses(), clock: clock).run(request("1.0"))
        #expect(summary.outcome == .refused)
        #expect(summary.reason.contains("runner secondary"))
        #expect(runner.invocations.isEmpty)
    }

    @Test("secret values never reach the observer, the journal or the reason")
    func masking() async throws {
        let store = MemoryStateStore()
        let observer = RecordingObserver()
        let runner = ScriptedRunner([.success((["token is hunter2"], .exited(7)))])
        let engine = DeploymentEngine(store: store, runner: runner, prober: ScriptedProber(), processes: FakeProcesses(), observer: observer, clock: TestClock())
        let summary = try await engine.run(request("1.0", secrets: ["TOKEN"], env: ["TOKEN": "hunter2"]))
        let journal = try await store.journal(summary.id)
        #expect(!journal.contains { ($0.event.message ?? "").contains("hunter2") })
        #expect(journal.contains { $0.event.message == "token is ***" })
        let events = await observer.events
        #expect(events.contains(.output("token is ***")))
        #expect(!"\(events)".contains("hunter2"))
    }

    @Test("a deployment whose lease was taken over cannot record its outcome")
    func fencing() async throws {
        let store = MemoryStateStore()
        let runner = ScriptedRunner([.success(([], .exited(0)))])
        runner.onRun = { await store.stealLock("production") }
        await #expect(throws: DeploymentError.self) {
            _ = try await DeploymentEngine(store: store, runner: runner, prober: ScriptedProber(), processes: FakeProcesses(), clock: TestClock()).run(request("1.0"))
        }
        #expect(try await store.environmentState("production").current == nil)
    }

    @Test("checks verify the new release; a failing one fails the deployment and keeps current")
    func verification() async throws {
        let store = MemoryStateStore()
        var deploy = try request("1.0")
        deploy.targets = [TargetHost(name: "h1"), TargetHost(name: "h2")]
        deploy.environment.checks = [
            CheckConfig(name: "web", probe: .http(HTTPProbeConfig(url: "http://{host}/health")), timing: CheckTiming(timeout: .seconds(1), retries: 0, interval: .zero, startPeriod: .zero)),
            CheckConfig(name: "disk", probe: .disk(DiskProbeConfig(path: "/")), timing: CheckTiming(timeout: .seconds(1), retries: 0, interval: .zero, startPeriod: .zero)),
        ]
        let good = try await DeploymentEngine(store: store, runner: ScriptedRunner([.success(([], .exited(0)))]), prober: ScriptedProber(), processes: FakeProcesses(), clock: TestClock()).run(deploy)
        #expect(good.outcome == .succeeded)
        let results = try await store.journal(good.id).filter { $0.event.kind == .checkResult && $0.event.step == "verify" }
        #expect(results.map { $0.event.target } == ["h1", "h2", nil])
        #expect(results.allSatisfy { $0.event.passed == true })

        deploy.release = try Release("2.0")
        let prober = ScriptedProber(failing: ["http://h2/health": "HTTP 503"])
        let bad = try await DeploymentEngine(store: store, runner: ScriptedRunner([.success(([], .exited(0)))]), prober: prober, processes: FakeProcesses(), clock: TestClock()).run(deploy)
        #expect(bad.outcome == .failed)
        #expect(bad.reason.contains("web (h2): HTTP 503"))
        #expect(try await store.environmentState("production").current == "1.0")
    }

    @Test("failed verification runs the rollback command for the last good release, verifies it, ends rolled_back")
    func rollback() async throws {
        let store = MemoryStateStore()
        var deploy = try request("1.0")
        deploy.environment.rollback = CommandConfig(argv: ["./rollback.sh", "{release}"])
        deploy.environment.checks = [CheckConfig(name: "web", probe: .http(HTTPProbeConfig(url: "http://web/health")), timing: CheckTiming(timeout: .seconds(1), retries: 0, interval: .zero, startPeriod: .zero))]
        _ = try await DeploymentEngine(store: store, runner: ScriptedRunner([.success(([], .exited(0)))]), prober: ScriptedProber(), processes: FakeProcesses(), clock: TestClock()).run(deploy)
        deploy.release = try Release("2.0")
        let runner = ScriptedRunner([.success((["deployed"], .exited(0))), .success((["rolled back"], .exited(0)))])
        let prober = ScriptedProber(failing: ["http://web/health": "HTTP 503"], failTimes: 1)
        let summary = try await DeploymentEngine(store: store, runner: runner, prober: prober, processes: FakeProcesses(), clock: TestClock()).run(deploy)
        #expect(summary.outcome == .rolledBack)
        #expect(summary.rolledBackTo == "1.0")
        #expect(runner.invocations.last?.argv == ["/srv/app/rollback.sh", "1.0"])
        #expect(runner.invocations.last?.environment["GANTRY_ROLLBACK_TO"] == "1.0")
        #expect(runner.invocations.last?.environment["GANTRY_FAILED_RELEASE"] == "2.0")
        #expect(try await store.environmentState("production").current == "1.0")
        let steps = try await store.journal(summary.id).compactMap { $0.event.kind == .commandStarted || $0.event.kind == .verificationStarted ? $0.event.step : nil }
        #expect(steps == ["deploy", "verify", "rollback", "verify_rollback"])
    }

    @Test("retries wait on the clock and are journaled")
    func retries() async throws {
        let store = MemoryStateStore()
        var deploy = try request("1.0")
        deploy.environment.retry = RetryPolicy(attempts: 3, backoff: .seconds(10), maxBackoff: .seconds(60), jitter: 0, retryOn: [.exit(75)])
        let clock = TestClock()
        let runner = ScriptedRunner([.success(([], .exited(75))), .success(([], .exited(75))), .success(([], .exited(0)))])
        let summary = try await DeploymentEngine(store: store, runner: runner, prober: ScriptedProber(), processes: FakeProcesses(), clock: clock).run(deploy)
        #expect(summary.outcome == .succeeded)
        #expect(summary.attempts == 3)
        #expect(clock.slept == [.seconds(10), .seconds(20)])
        let scheduled = try await store.journal(summary.id).filter { $0.event.kind == .retryScheduled }.map { $0.event.attempt }
        #expect(scheduled == [2, 3])
    }

    @Test("an interrupted deploy still rolls back: the rollback runs although the task was cancelled")
    func interruptedRollsBack() async throws {
        let store = MemoryStateStore()
        var deploy = try request("1.0")
        deploy.environment.rollback = CommandConfig(argv: ["./rollback.sh", "{release}"])
        _ = try await DeploymentEngine(store: store, runner: ScriptedRunner([.success(([], .exited(0)))]), prober: ScriptedProber(), processes: FakeProcesses(), clock: TestClock()).run(deploy)
        deploy.release = try Release("2.0")
        let runner = ScriptedRunner([.success(([], .cancelled)), .success(([], .exited(0)))])
        let engine = DeploymentEngine(store: store, runner: runner, prober: ScriptedProber(), processes: FakeProcesses(), clock: TestClock())
        let box = LockedBox<Task<DeploymentSummary, any Error>?>(nil)
        runner.onRun = {
            while box.get() == nil { await Task.yield() }
            box.get()?.cancel()
        }
        let task = Task { try await engine.run(deploy) }
        box.set(task)
        let summary = try await task.value
        #expect(summary.outcome == .interrupted)
        #expect(summary.reason.hasSuffix("rolled back to 1.0 and verified"))
        #expect(runner.invocations.count == 2)
    }

    @Test("a held lock is waited for up to --wait, then refused naming the holder")
    func lockWaitTimesOut() async throws {
        let store = MemoryStateStore()
        let clock = TestClock()
        _ = try await store.tryAcquireLock(environment: "production", owner: Origin(host: "other-host", pid: 7, runner: "secondary"), deploymentID: DeploymentID(rawValue: "20261129-000000.000-0other"), reason: "held by hand", ttl: .seconds(3600), now: clock.now())
        var deploy = try request("1.0")
        deploy.lockWait = .seconds(2)
        let runner = ScriptedRunner([])
        let summary = try await DeploymentEngine(store: store, runner: runner, prober: ScriptedProber(), processes: FakeProcesses(), clock: clock).run(deploy)
        #expect(summary.outcome == .refused)
        #expect(summary.reason.contains("runner secondary"))
        #expect(summary.reason.hasSuffix("after waiting 2.0s"))
        #expect(runner.invocations.isEmpty)
        #expect(try await store.waiters(environment: "production", liveSince: .distantPast).isEmpty)
    }

    @Test("a live lease whose holder is a dead process on this host is broken at once")
    func deadHolder() async throws {
        let store = MemoryStateStore()
        let clock = TestClock()
        let processes = FakeProcesses()
        processes.dead = [999]
        _ = try await store.tryAcquireLock(environment: "production", owner: Origin(host: "ci-1", pid: 999, process: FakeProcesses.here), deploymentID: DeploymentID(rawValue: "20261129-000000.000-00dead"), reason: "deploying 0.9", ttl: .seconds(3600), now: clock.now())
        let summary = try await DeploymentEngine(store: store, runner: ScriptedRunner([.success(([], .exited(0)))]), prober: ScriptedProber(), processes: processes, clock: clock).run(request("1.0"))
        #expect(summary.outcome == .succeeded)
        let notes = try await store.journal(summary.id).filter { $0.event.kind == .note }.compactMap(\.event.message)
        #expect(notes.first?.contains("pid 999") == true)
    }

    @Test("a deployment killed while its command ran is recovered first: orphan stopped, rolled back, recorded interrupted")
    func recovery() async throws {
        let store = MemoryStateStore()
        let processes = FakeProcesses()
        var deploy = try request("1.0")
        deploy.environment.rollback = CommandConfig(argv: ["./rollback.sh", "{release}"])
        _ = try await DeploymentEngine(store: store, runner: ScriptedRunner([.success(([], .exited(0)))]), prober: ScriptedProber(), processes: processes, clock: TestClock()).run(deploy)
        // A deployment of 2.0 that died with its command running: no outcome, lease left behind.
        let dead = DeploymentRecord(id: DeploymentID(rawValue: "20261129-000000.000-00dead"), environment: "production", release: "2.0", startedAt: Date(), origin: Origin(host: "ci-1", pid: 31337, process: FakeProcesses.here))
        try await store.beginDeployment(dead, token: nil)
        try await store.append(JournalEvent(kind: .commandStarted, step: "deploy", attempt: 1, command: ["./deploy.sh", "2.0"]), to: dead.id, at: Date(), token: nil)
        try await store.append(JournalEvent(kind: .commandSpawned, step: "deploy", attempt: 1, pid: 4545), to: dead.id, at: Date(), token: nil)
        deploy.release = try Release("3.0")
        let runner = ScriptedRunner([.success((["rolling back"], .exited(0))), .success((["deploying 3.0"], .exited(0)))])
        let summary = try await DeploymentEngine(store: store, runner: runner, prober: ScriptedProber(), processes: processes, clock: TestClock()).run(deploy)
        #expect(summary.outcome == .succeeded)
        #expect(processes.stopped == [4545])
        #expect(runner.invocations.map(\.argv) == [["/srv/app/rollback.sh", "1.0"], ["/srv/app/deploy.sh", "3.0"]])
        let recovered = try #require(try await store.deployment(dead.id))
        #expect(recovered.outcome == .interrupted)
        #expect(recovered.reason?.contains("rolled back to 1.0 and verified") == true)
        #expect(try await store.unfinishedDeployments(environment: "production", excluding: nil).isEmpty)
    }

    @Test("a deployment killed before changing anything, or after deciding, is recorded without a rollback")
    func recoveryWithoutRollback() async throws {
        let store = MemoryStateStore()
        var deploy = try request("1.0")
        deploy.environment.rollback = CommandConfig(argv: ["./rollback.sh", "{release}"])
        _ = try await DeploymentEngine(store: store, runner: ScriptedRunner([.success(([], .exited(0)))]), prober: ScriptedProber(), processes: FakeProcesses(), clock: TestClock()).run(deploy)
        let early = DeploymentRecord(id: DeploymentID(rawValue: "20261129-000000.000-0early"), environment: "production", release: "2.0", startedAt: Date(), origin: Origin(host: "ci-1", pid: 1))
        try await store.beginDeployment(early, token: nil)
        try await store.append(JournalEvent(kind: .decision, message: "deploying 2.0"), to: early.id, at: Date(), token: nil)
        let late = DeploymentRecord(id: DeploymentID(rawValue: "20261129-000000.000-000late"), environment: "production", release: "2.0", startedAt: Date(), origin: Origin(host: "ci-1", pid: 1))
        try await store.beginDeployment(late, token: nil)
        try await store.append(JournalEvent(kind: .commandStarted, step: "deploy", attempt: 1), to: late.id, at: Date(), token: nil)
        try await store.append(JournalEvent(kind: .commandFinished, step: "deploy", attempt: 1, exitCode: 0), to: late.id, at: Date(), token: nil)
        try await store.append(JournalEvent(kind: .promoting, release: "2.0"), to: late.id, at: Date(), token: nil)
        try await store.append(JournalEvent(kind: .deploymentFinished, message: "release 2.0 deployed and verified", outcome: .succeeded), to: late.id, at: Date(), token: nil)
        var recover = try request("none")
        recover.kind = .recover
        let runner = ScriptedRunner([])
        let summary = try await DeploymentEngine(store: store, runner: runner, prober: ScriptedProber(), processes: FakeProcesses(), clock: TestClock()).run(recover)
        #expect(summary.outcome == .succeeded)
        #expect(runner.invocations.isEmpty)
        #expect(try await store.deployment(early.id)?.outcome == .interrupted)
        #expect(try await store.deployment(late.id)?.outcome == .succeeded)
        #expect(try await store.environmentState("production").current == "2.0")
    }

    @Test("a missing variable stops the deploy before the lock")
    func missingVariable() async throws {
        let store = MemoryStateStore()
        var deploy = try request("1.0")
        deploy.environment.deploy.argv.append("${NOT_SET}")
        await #expect(throws: DeploymentError.self) {
            _ = try await DeploymentEngine(store: store, runner: ScriptedRunner([]), prober: ScriptedProber(), processes: FakeProcesses(), clock: TestClock()).run(deploy)
        }
        #expect(try await store.deployments(environment: nil, limit: 10).isEmpty)
    }
}

/// A value shared with a `@Sendable` closure in a test.
final class LockedBox<Value>: @unchecked Sendable {
    private let lock = NSLock()
    private var value: Value
    init(_ value: Value) { self.value = value }
    func get() -> Value { lock.withLock { value } }
    func set(_ newValue: Value) { lock.withLock { value = newValue } }
}

@Suite("deployment engine across hosts and signals")
struct CrossHostEngineTests {
    let here = Origin(host: "ci-1", pid: 42, process: FakeProcesses.here)

    func request(_ release: String, lease: Duration = .seconds(60)) throws -> DeploymentRequest {
        var environment = EnvironmentConfig(name: "production", targets: ["web-1"], deploy: CommandConfig(argv: ["./deploy.sh", "{release}"]))
        environment.rollback = CommandConfig(argv: ["./rollback.sh", "{release}"])
        environment.lease = lease
        return DeploymentRequest(environment: environment, release: try Release(release), force: false, directory: "/srv/app", origin: here, processEnvironment: [:])
    }

    @Test("deploy and rollback commands run under the lease guard; the guard's deadlines come from the lease")
    func guarded() async throws {
        let runner = ScriptedRunner([.success(([], .exited(0)))])
        _ = try await DeploymentEngine(store: MemoryStateStore(), runner: runner, prober: ScriptedProber(), processes: FakeProcesses(), clock: TestClock()).run(request("1.0", lease: .seconds(6)))
        let spec = try #require(runner.invocations.first?.leaseGuard)
        #expect(spec.timing == LeaseGuardTiming(lease: .seconds(6), grace: CommandConfig.defaultGrace))
        #expect(spec.watch.lastConfirmed > 0)
    }

    @Test("an acquisition that took longer than a third of the lease is renewed before the command starts, so its guard does not stop it")
    func slowAcquisitionRenewedFirst() async throws {
        let clock = SlowStartClock(acquisitionTook: .seconds(30))
        let runner = ScriptedRunner([.success(([], .exited(0)))])
        let ages = LockedBox<[UInt64]>([])
        runner.onRun = { [runner] in
            guard let spec = runner.lock.withLock({ runner.invocations.last?.leaseGuard }) else { return }
            ages.set(ages.get() + [clock.monotonicNanoseconds() - spec.watch.lastConfirmed])
        }
        let store = MemoryStateStore()
        let summary = try await DeploymentEngine(store: store, runner: runner, prober: ScriptedProber(), processes: FakeProcesses(), clock: clock).run(request("1.0", lease: .seconds(60)))
        #expect(summary.outcome == .succeeded)
        let age = try #require(ages.get().first)
        #expect(age < 20_000_000_000, "the command started with a confirmation \(age / 1_000_000) ms old")
        #expect(await store.renewals >= 1)
    }

    @Test("a dead deployment of another PID namespace is not signalled; recovery waits the guard's margin before its rollback")
    func foreignRecovery() async throws {
        let store = MemoryStateStore()
        let processes = FakeProcesses()
        let clock = TestClock()
        _ = try await DeploymentEngine(store: store, runner: ScriptedRunner([.success(([], .exited(0)))]), prober: ScriptedProber(), processes: processes, clock: clock).run(request("1.0"))
        var elsewhere = FakeProcesses.here
        elsewhere.pidNamespace = 4026532999
        let dead = DeploymentRecord(id: DeploymentID(rawValue: "20261129-000000.000-00dead"), environment: "production", release: "2.0", startedAt: Date(), origin: Origin(host: "ci-1", pid: 31337, process: elsewhere))
        clock.advance(.seconds(1))
        try await store.beginDeployment(dead, token: nil)
        try await store.append(JournalEvent(kind: .commandStarted, step: "deploy", attempt: 1, command: ["./deploy.sh", "2.0"]), to: dead.id, at: Date(), token: nil)
        try await store.append(JournalEvent(kind: .commandSpawned, step: "deploy", attempt: 1, pid: 4545), to: dead.id, at: Date(), token: nil)
        let runner = ScriptedRunner([.success(([], .exited(0))), .success(([], .exited(0)))])
        let summary = try await DeploymentEngine(store: store, runner: runner, prober: ScriptedProber(), processes: processes, clock: clock).run(request("3.0"))
        #expect(summary.outcome == .succeeded)
        #expect(processes.stopped.isEmpty, "a group in another PID namespace was signalled")
        #expect(clock.slept.contains { $0 > .seconds(5) && $0 <= .seconds(6) }, "recovery did not wait the margin: \(clock.slept)")
        let notes = try await store.journal(summary.id).compactMap(\.event.message)
        #expect(notes.contains { $0.contains("cannot be signalled from here") })
        #expect(try await store.deployment(dead.id)?.outcome == .interrupted)
    }

    @Test("a second interruption during the deploy command: no rollback, interrupted recorded, the lease released; the next recover rolls back once")
    func escalated() async throws {
        let store = MemoryStateStore()
        let clock = TestClock()
        _ = try await DeploymentEngine(store: store, runner: ScriptedRunner([.success(([], .exited(0)))]), prober: ScriptedProber(), processes: FakeProcesses(), clock: clock).run(request("1.0"))
        clock.advance(.seconds(1))
        let escalation = Escalation()
        let runner = ScriptedRunner([.success(([], .signaled(9)))])
        runner.onRun = { escalation.raise() }
        let summary = try await DeploymentEngine(store: store, runner: runner, prober: ScriptedProber(), processes: FakeProcesses(), clock: clock, escalation: escalation).run(request("2.0"))
        #expect(summary.outcome == .interrupted)
        #expect(summary.reason.contains("interrupted twice"))
        #expect(runner.invocations.count == 1, "a rollback ran after the second interruption")
        #expect(try await store.lease(environment: "production") == nil)
        #expect(try await store.journal(summary.id).contains { $0.event.kind == .abandoned })
        var recover = try request("1.0")
        recover.kind = .recover
        clock.advance(.seconds(1))
        let recovering = ScriptedRunner([.success(([], .exited(0)))])
        let recovered = try await DeploymentEngine(store: store, runner: recovering, prober: ScriptedProber(), processes: FakeProcesses(), clock: clock).run(recover)
        #expect(recovered.outcome == .succeeded, "\(recovered.reason)")
        #expect(recovering.invocations.map(\.argv) == [["/srv/app/rollback.sh", "1.0"]])
        let again = ScriptedRunner([])
        clock.advance(.seconds(1))
        _ = try await DeploymentEngine(store: store, runner: again, prober: ScriptedProber(), processes: FakeProcesses(), clock: clock).run(recover)
        #expect(again.invocations.isEmpty)
    }

    @Test("a second interruption before any command: refused, nothing changed")
    func escalatedEarly() async throws {
        let escalation = Escalation()
        escalation.raise()
        let runner = ScriptedRunner([])
        let summary = try await DeploymentEngine(store: MemoryStateStore(), runner: runner, prober: ScriptedProber(), processes: FakeProcesses(), clock: TestClock(), escalation: escalation).run(request("1.0"))
        #expect(summary.outcome == .refused)
        #expect(runner.invocations.isEmpty)
    }

    @Test("a store failure after a command ran says production may have changed")
    func storeFailureAfterChange() async throws {
        let store = MemoryStateStore()
        let runner = ScriptedRunner([.success(([], .exited(0)))])
        runner.onRun = { await store.stealLock("production") }
        let engine = DeploymentEngine(store: store, runner: runner, prober: ScriptedProber(), processes: FakeProcesses(), clock: TestClock())
        let deploy = try request("1.0")
        let outcome: Result<DeploymentSummary, DeploymentError>
        do throws(DeploymentError) {
            outcome = .success(try await engine.run(deploy))
        } catch {
            outcome = .failure(error)
        }
        guard case .failure(.store(let error, let changed, let restored)) = outcome else {
            Issue.record("a deployment whose lease was taken over did not fail with a store error: \(outcome)")
            return
        }
        #expect(error.code == .staleToken)
        #expect(changed)
        #expect(!restored)
    }
}

/// A clock whose boot-time reading jumps ahead after its first read: the deployment's lease
/// request is sent at that first reading, and everything after it happens as if taking the
/// lease had taken `acquisitionTook`.
final class SlowStartClock: GantryClock, @unchecked Sendable {
    private let lock = NSLock()
    private let jump: UInt64
    private var reads = 0

    init(acquisitionTook: Duration) {
        jump = UInt64(acquisitionTook.milliseconds) * 1_000_000
    }

    func now() -> Date { Date(timeIntervalSince1970: 1_795_000_000) }
    func sleep(for duration: Duration) async throws { try Task.checkCancellation() }
    func monotonicNanoseconds() -> UInt64 {
        let first = lock.withLock { () -> Bool in
            reads += 1
            return reads == 1
        }
        return MachineClock.nanoseconds() + (first ? 0 : jump)
    }
}

@Suite("journaled output")
struct JournaledOutputTests {
    @Test("past 4 MiB the journal keeps the first 3 MiB and the last 1 MiB, so the failure at the end survives")
    func headAndTail() async throws {
        let filler = String(repeating: "x", count: 999)
        var lines = (0..<6_000).map { "line \($0) \(filler)" }
        lines.append("fatal: [web-2]: FAILED! => {\"msg\": \"the end\"}")
        let store = MemoryStateStore()
        var environment = EnvironmentConfig(name: "production", deploy: CommandConfig(argv: ["./deploy.sh"]))
        environment.rollback = nil
        let request = DeploymentRequest(environment: environment, release: try Release("1.0"), force: false, directory: "/srv", origin: Origin(host: "ci-1", pid: 1), processEnvironment: [:])
        let summary = try await DeploymentEngine(store: store, runner: ScriptedRunner([.success((lines, .exited(2)))]), prober: ScriptedProber(), processes: FakeProcesses(), clock: TestClock()).run(request)
        let journal = try await store.journal(summary.id)
        let output = journal.filter { $0.event.kind == .output }.compactMap(\.event.message).joined(separator: "\n")
        #expect(output.hasPrefix("line 0 "))
        #expect(output.hasSuffix("fatal: [web-2]: FAILED! => {\"msg\": \"the end\"}"), "\(output.suffix(120))")
        #expect(output.contains("lines not kept here; the journal keeps the first 3 MiB and the last 1 MiB of each attempt]"))
        #expect(output.utf8.count <= 4 * 1024 * 1024 + 200)
        #expect(output.utf8.count > 4 * 1024 * 1024 - 4096, "the kept head and tail fill the budget but for less than two lines")
    }
}
