import Foundation
import GantryCore
import GantryTestSupport
import Testing

@Suite("rollout analysis")
struct AnalysisTests {
    let origin = Origin(host: "ci-1", pid: 42, process: FakeProcesses.here)

    @Test("Mann–Whitney U: separated samples are significant, with the Hodges–Lehmann shift; equal ones are not")
    func mannWhitney() {
        let separated = MannWhitney.test(canary: [6, 7, 8, 9, 10], baseline: [1, 2, 3, 4, 5])
        #expect(separated.u == 25)
        // Normal approximation with continuity correction: z = (12.5 - 0.5) / sqrt(22.9167).
        #expect(abs(separated.pValue - 0.01219) < 0.0005, "\(separated.pValue)")
        #expect(separated.effect == 5)
        let same = MannWhitney.test(canary: [3, 3, 3, 3], baseline: [3, 3, 3, 3])
        #expect(same.pValue == 1)
        #expect(same.effect == 0)
        let ties = MannWhitney.test(canary: [1, 2, 2, 3], baseline: [2, 2, 3, 4])
        #expect(ties.pValue > 0.2)
        #expect(MannWhitney.hodgesLehmann(canary: [1, 2], baseline: [0]) == 1.5)
    }

    @Test("measurements against Argo's default limits: a failure fails, no data is inconclusive, errors past the limit in a row are an error")
    func tally() {
        var failed = AnalysisTally(name: "errors", config: AnalysisConfig())
        failed.record(.successful, "0")
        failed.record(.failed, "value 3 is above max 0")
        #expect(failed.verdict.phase == .failed)
        #expect(failed.isDecided)
        var empty = AnalysisTally(name: "errors", config: AnalysisConfig())
        empty.record(.inconclusive, "no samples")
        #expect(empty.verdict.phase == .inconclusive)
        var tolerant = AnalysisTally(name: "errors", config: AnalysisConfig(inconclusiveLimit: 1))
        tolerant.record(.inconclusive, "no samples")
        #expect(tolerant.verdict.phase == .inconclusive, "no data alone is never a pass")
        tolerant.record(.successful, "0")
        #expect(tolerant.verdict.phase == .successful)
        var erring = AnalysisTally(name: "errors", config: AnalysisConfig(inconclusiveLimit: 100))
        for _ in 0..<4 { erring.record(.error, "connection refused") }
        #expect(erring.verdict.phase == .inconclusive)
        erring.record(.error, "connection refused")
        #expect(erring.verdict.phase == .error)
        #expect(AnalysisConfig(interval: .seconds(10)).measurements(in: .seconds(60)) == 6)
        #expect(AnalysisConfig(interval: .seconds(10), count: 2).measurements(in: .seconds(60)) == 2)
    }

    /// Six hosts rolled out as [1, 50%, 100%], an analysis of errors, 1.0 live.
    func seeded(_ store: MemoryStateStore, analysis: AnalysisConfig = AnalysisConfig(interval: .seconds(10), count: 2), compare: CompareConfig? = nil) async throws -> DeploymentRequest {
        var prometheus = PrometheusProbeConfig(url: "http://prometheus:9090", query: "max(errors{instance=~\"{batch_hosts}\"})")
        prometheus.max = 0
        prometheus.compare = compare
        var environment = EnvironmentConfig(
            name: "production", targets: (1...6).map { "h\($0)" }, deploy: CommandConfig(argv: ["./deploy.sh", "{targets}"]),
            rollback: CommandConfig(argv: ["./rollback.sh", "{release}", "{targets}"]),
            checks: [CheckConfig(name: "errors", probe: .prometheus(prometheus), timing: CheckTiming(timeout: .seconds(1), retries: 0, interval: .zero, startPeriod: .zero), analysis: analysis)]
        )
        var request = DeploymentRequest(environment: environment, release: try Release("1.0"), force: false, directory: "/srv/app", origin: origin, processEnvironment: [:])
        _ = try await DeploymentEngine(store: store, runner: ScriptedRunner([.success(([], .exited(0)))]), prober: ScriptedProber(), processes: FakeProcesses(), clock: TestClock()).run(request)
        environment.rollout = RolloutConfig(batches: [.hosts(1), .percent(50), .percent(100)], pauseTimeout: .seconds(60))
        request.environment = environment
        request.release = try Release("2.0")
        return request
    }

    @Test("an analysis that fails on batch 2 rolls back batches 1 and 2 (analysis_failed); {batch_hosts} names the hosts deployed so far")
    func failsOnBatchTwo() async throws {
        let store = MemoryStateStore()
        let request = try await seeded(store)
        let prometheus = ScriptedPrometheus { query, _ in
            query.contains("h2") ? .success([PrometheusSample(labels: [:], value: 3)]) : .success([PrometheusSample(labels: [:], value: 0)])
        }
        let runner = ScriptedRunner(Array(repeating: .success(([], .exited(0))), count: 3))
        let summary = try await DeploymentEngine(store: store, runner: runner, prober: prometheus, processes: FakeProcesses(), clock: TestClock()).run(request)
        #expect(summary.outcome == .rolledBack, "\(summary.reason)")
        #expect(summary.reasonCode == .analysisFailed)
        #expect(runner.invocations.last?.argv == ["/srv/app/rollback.sh", "1.0", "h1,h2,h3"])
        #expect(prometheus.queries.first == "max(errors{instance=~\"(h1)\"})")
        let analyses = try await store.journal(summary.id).filter { $0.event.kind == .analysisResult }.map(\.event)
        #expect(analyses.map(\.analysisPhase) == ["successful", "failed"])
    }

    @Test("no data pauses the rollout; a promote written to its journal lets it finish")
    func pauseThenPromote() async throws {
        let store = MemoryStateStore()
        let request = try await seeded(store)
        let prometheus = ScriptedPrometheus { _, _ in .success([]) }
        let clock = DecidingClock(store: store, decision: .promoted)
        let runner = ScriptedRunner(Array(repeating: .success(([], .exited(0))), count: 3))
        let summary = try await DeploymentEngine(store: store, runner: runner, prober: prometheus, processes: FakeProcesses(), clock: clock).run(request)
        #expect(summary.outcome == .succeeded, "\(summary.reason)")
        let kinds = try await store.journal(summary.id).map(\.event.kind)
        #expect(kinds.filter { $0 == .paused }.count == 2, "one pause per bake (after batches 1 and 2)")
        #expect(kinds.filter { $0 == .promoted }.count == 2)
        #expect(runner.invocations.count == 3)
    }

    @Test("a paused rollout aborted by gantry abort, or left past its pause_timeout, rolls back the hosts deployed so far")
    func abortAndTimeout() async throws {
        for decision in [JournalEvent.Kind.aborted, .note] {
            let store = MemoryStateStore()
            let request = try await seeded(store)
            let prometheus = ScriptedPrometheus { _, _ in .failure(QueryFailure(message: "connection refused")) }
            let clock = DecidingClock(store: store, decision: decision)
            let runner = ScriptedRunner([.success(([], .exited(0))), .success(([], .exited(0)))])
            let summary = try await DeploymentEngine(store: store, runner: runner, prober: prometheus, processes: FakeProcesses(), clock: clock).run(request)
            #expect(summary.outcome == .rolledBack, "\(summary.reason)")
            #expect(summary.reasonCode == (decision == .aborted ? .rolloutAborted : .pauseTimeout), "\(summary.reason)")
            #expect(runner.invocations.last?.argv == ["/srv/app/rollback.sh", "1.0", "h1"])
        }
    }

    @Test("compare: a canary worse than the baseline fails; within the tolerance, or with too few points, it does not")
    func compare() async throws {
        let worse = ScriptedPrometheus { query, window in
            #expect(window != nil, "a comparison reads a range")
            let base: Double = query.hasPrefix("canary") ? 5 : 1
            return .success((0..<12).map { PrometheusSample(labels: [:], value: base + Double($0 % 3) * 0.1) })
        }
        let compare = CompareConfig(query: "canary{instance=~\"{batch_hosts}\"}", baselineQuery: "baseline{instance!~\"{batch_hosts}\"}", minSamples: 10, tolerance: 1)
        let check = CheckConfig(name: "latency", probe: .prometheus({ var c = PrometheusProbeConfig(url: "http://p", query: compare.query); c.compare = compare; return c }()), timing: CheckTiming(timeout: .seconds(1)), analysis: AnalysisConfig(interval: .seconds(10), count: 3))
        let hosts = [TargetHost(name: "h1", address: "10.0.0.1")]
        let failed = await AnalysisRunner(prober: worse, clock: TestClock()).run([check], hosts: hosts, window: .seconds(30), environment: [:], masker: SecretMasker(values: [String]()))
        #expect(failed.first?.phase == .failed, "\(failed)")
        #expect(failed.first?.comparison?.pValue ?? 1 < 0.02)
        #expect(abs((failed.first?.comparison?.effect ?? 0) - 4) < 0.01)
        #expect(failed.first?.journalEvent.pValue != nil && failed.first?.journalEvent.statistic != nil)
        var tolerant = compare
        tolerant.tolerance = 10
        var tolerantCheck = check
        tolerantCheck.probe = .prometheus({ var c = PrometheusProbeConfig(url: "http://p", query: tolerant.query); c.compare = tolerant; return c }())
        let passed = await AnalysisRunner(prober: worse, clock: TestClock()).run([tolerantCheck], hosts: hosts, window: .seconds(30), environment: [:], masker: SecretMasker(values: [String]()))
        #expect(passed.first?.phase == .successful, "\(passed)")
        let sparse = ScriptedPrometheus { _, _ in .success([PrometheusSample(labels: [:], value: 1)]) }
        let few = await AnalysisRunner(prober: sparse, clock: TestClock()).run([check], hosts: hosts, window: .seconds(30), environment: [:], masker: SecretMasker(values: [String]()))
        #expect(few.first?.phase == .inconclusive)
    }

    @Test("on_pause: exit leaves the rollout paused (exit 5, lease kept); promote carries it on, abort rolls back, a timeout is rolled back by the next deploy")
    func pauseAndExit() async throws {
        for ending in ["promote", "abort", "timeout"] {
            let store = MemoryStateStore()
            var request = try await seeded(store)
            request.environment.rollout?.onPause = .exit
            let prometheus = ScriptedPrometheus { _, _ in .success([]) }
            let clock = TestClock()
            let paused = try await DeploymentEngine(store: store, runner: ScriptedRunner([.success(([], .exited(0)))]), prober: prometheus, processes: FakeProcesses(), clock: clock).run(request)
            #expect(paused.outcome == .paused, "\(paused.reason)")
            #expect(paused.outcome.exitCode == 5)
            #expect(try await store.deployment(paused.id)?.outcome == nil, "a paused deployment is unfinished")
            let lease = try #require(try await store.lease(environment: "production"))
            #expect(lease.expiresAt.timeIntervalSince(clock.now()) > 59, "the lease is kept for pause_timeout (60s)")
            let journal = try await store.journal(paused.id)
            #expect(PausedRollout.pausedBatch(in: journal) == 1)
            let record = try #require(try await store.deployment(paused.id))
            // Its process is gone, yet the lease is not a dead holder's: another deploy is
            // refused at once, and nothing is rolled back.
            let gone = FakeProcesses()
            gone.dead = [42]
            var other = request
            other.release = try Release("9.9")
            other.lockWait = .seconds(30)
            let refused = try await DeploymentEngine(store: store, runner: ScriptedRunner([]), prober: prometheus, processes: gone, clock: clock).run(other)
            #expect(refused.outcome == .refused)
            #expect(refused.reasonCode == .rolloutPaused, "\(refused.reason)")
            #expect(try await store.deployment(paused.id)?.outcome == nil)
            let runner = ScriptedRunner([.success(([], .exited(0))), .success(([], .exited(0)))])
            // Analyses pass from now on.
            let healthy = ScriptedPrometheus { _, _ in .success([PrometheusSample(labels: [:], value: 0)]) }
            if ending == "timeout" {
                clock.advance(.seconds(61))
                var next = request
                next.release = try Release("3.0")
                next.environment.rollout = nil
                let summary = try await DeploymentEngine(store: store, runner: runner, prober: healthy, processes: FakeProcesses(), clock: clock).run(next)
                #expect(summary.outcome == .succeeded, "\(summary.reason)")
                #expect(runner.invocations.first?.argv == ["/srv/app/rollback.sh", "1.0", "h1"], "the paused canary is rolled back first")
                let expired = try #require(try await store.deployment(paused.id))
                #expect(expired.outcome == .rolledBack)
                #expect(expired.reasonCode == .pauseTimeout)
                continue
            }
            var carry = request
            carry.resume = PausedRollout(deployment: record, afterBatch: 1, token: lease.token, decision: "\(ending)d by alice", abort: ending == "abort")
            let summary = try await DeploymentEngine(store: store, runner: runner, prober: healthy, processes: FakeProcesses(), clock: clock).run(carry)
            #expect(summary.id == paused.id, "the paused deployment is carried on, not a new one")
            if ending == "promote" {
                #expect(summary.outcome == .succeeded, "\(summary.reason)")
                #expect(runner.invocations.map { $0.argv.last } == ["h2,h3", "h4,h5,h6"])
                #expect(try await store.environmentState("production").current == "2.0")
            } else {
                #expect(summary.outcome == .rolledBack, "\(summary.reason)")
                #expect(summary.reasonCode == .rolloutAborted)
                #expect(runner.invocations.map(\.argv) == [["/srv/app/rollback.sh", "1.0", "h1"]])
            }
            #expect(try await store.journal(paused.id).contains { $0.event.kind == (ending == "promote" ? .promoted : .aborted) })
            #expect(try await store.lease(environment: "production") == nil, "the lease is released")
            // The old token is fenced out.
            await #expect(throws: StoreError.self) { try await store.append(JournalEvent(kind: .note), to: paused.id, at: clock.now(), token: lease.token) }
        }
    }
}

/// Answers Prometheus queries from a closure (query, range window), and keeps the queries.
final class ScriptedPrometheus: Prober, @unchecked Sendable {
    private let lock = NSLock()
    private let answer: @Sendable (String, ClosedRange<Date>?) -> Result<[PrometheusSample], QueryFailure>
    private var asked: [String] = []
    var queries: [String] { lock.withLock { asked } }

    init(_ answer: @escaping @Sendable (String, ClosedRange<Date>?) -> Result<[PrometheusSample], QueryFailure>) {
        self.answer = answer
    }

    func probe(_ probe: ProbeConfig, timeout: Duration) async -> ProbeVerdict { .pass("ok") }

    func prometheusSamples(url: String, query: String, window: ClosedRange<Date>?, step: Duration, timeout: Duration) async -> Result<[PrometheusSample], QueryFailure> {
        lock.withLock { asked.append(query) }
        return answer(query, window)
    }
}

/// A test clock that, once the running deployment has paused, writes `decision` into its
/// journal (`.note`: no decision, so the pause times out), as `gantry promote` would.
final class DecidingClock: GantryClock, @unchecked Sendable {
    private let inner = TestClock()
    let store: MemoryStateStore
    let decision: JournalEvent.Kind

    init(store: MemoryStateStore, decision: JournalEvent.Kind) {
        self.store = store
        self.decision = decision
    }

    func now() -> Date { inner.now() }

    func sleep(for duration: Duration) async throws {
        try await inner.sleep(for: duration)
        guard decision != .note, let running = try? await store.unfinishedDeployments(environment: "production", excluding: nil).first,
              let journal = try? await store.journal(running.id), let last = journal.last, last.event.kind == .paused else { return }
        try? await store.append(JournalEvent(kind: decision, message: "\(decision.rawValue) by a test"), to: running.id, at: now(), token: nil)
    }
}
