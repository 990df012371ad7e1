import Foundation

/// Runs an environment's checks: expands `{host}` checks to one probe per target, runs them
/// concurrently up to a bound, retries each within its own deadline, and ends the whole
/// verification at its deadline no matter what a probe does.
///
/// Two clocks, for two kinds of time: `clock` paces what a check means to wait (the interval
/// between retries, the start period) and is what a deployment's tests make instant;
/// `timer` bounds what might hang (each attempt's timeout, the verification's deadline) and
/// measures latency: real by default, a manual clock in the tests of timeouts.
package struct CheckRunner: Sendable {
    let prober: any Prober
    let clock: any GantryClock
    let timer: any GantryClock

    package init(prober: any Prober, clock: any GantryClock = SystemClock(), timer: any GantryClock = SystemClock()) {
        self.prober = prober
        self.clock = clock
        self.timer = timer
    }

    /// The checks to run, in order; a `{host}` check once per target. A check with
    /// `analysis:` is left out: it is judged only during a rollout's bakes.
    package static func plan(_ checks: [CheckConfig], targets: [TargetHost]) -> [PlannedCheck] {
        checks.filter { $0.analysis == nil }.flatMap { check in
            check.probe.usesHost && !targets.isEmpty
                ? targets.map { PlannedCheck(check: check, target: $0) }
                : [PlannedCheck(check: check, target: nil)]
        }
    }

    /// Runs `checks` and returns one result per planned check, in plan order. `onResult` sees
    /// each result as it arrives. Messages (and an HTTP answer's body) are masked with `masker`.
    package func run(
        _ checks: [CheckConfig], targets: [TargetHost], environment: [String: String], masker: SecretMasker,
        concurrency: Int, deadline: Duration, onResult: @escaping @Sendable (CheckResult) async -> Void = { _ in }
    ) async -> [CheckResult] {
        let planned = CheckRunner.plan(checks, targets: targets)
        let collector = ResultCollector()
        let runner = self
        _ = await Deadline.run(deadline, clock: timer) {
            await withTaskGroup(of: (Int, CheckResult).self) { group in
                var pending = planned.enumerated().makeIterator()
                func start(_ next: (offset: Int, element: PlannedCheck)) {
                    group.addTask {
                        let result = await runner.runOne(next.element, environment: environment, masker: masker)
                        return (next.offset, result)
                    }
                }
                for _ in 0..<max(1, concurrency) {
                    guard let next = pending.next() else { break }
                    start(next)
                }
                while let (index, result) = await group.next() {
                    await collector.add(index, result)
                    await onResult(result)
                    if let next = pending.next() { start(next) }
                }
            }
        }
        let finished = await collector.results
        return planned.enumerated().map { index, item in
            finished[index] ?? CheckResult(
                name: item.check.name, kind: item.check.probe.kind, target: item.target?.name, passed: false, outcome: .fail,
                attempts: 0, latencyMilliseconds: 0,
                message: "not finished when verification's deadline (\(DurationText.format(deadline))) passed"
            )
        }
    }

    /// One check with its retries, start period and per-attempt timeout.
    func runOne(_ item: PlannedCheck, environment: [String: String], masker: SecretMasker) async -> CheckResult {
        let check = item.check
        let timing = check.timing.merged(over: .defaults)
        let timeout = timing.timeout ?? .seconds(5)
        let retries = timing.retries ?? 0
        let interval = timing.interval ?? .zero
        let startPeriod = timing.startPeriod ?? .zero
        func result(_ verdict: ProbeVerdict, passed: Bool, attempts: Int, latency: Duration) -> CheckResult {
            CheckResult(
                name: check.name, kind: check.probe.kind, target: item.target?.name, passed: passed, outcome: verdict.outcome,
                attempts: attempts, latencyMilliseconds: latency.milliseconds, message: masker.mask(verdict.message),
                body: verdict.body.map { masker.mask($0) }
            )
        }
        if check.probe.usesHost, item.target == nil {
            return result(.fail("uses {host} but the environment lists no targets"), passed: false, attempts: 0, latency: .zero)
        }
        let probe: ProbeConfig
        do {
            probe = try check.probe.resolved(host: item.target?.address, environment: environment)
        } catch {
            return result(.fail("\(error)"), passed: false, attempts: 0, latency: .zero)
        }
        let noDataPasses: Bool = if case .prometheus(let config) = probe { config.onNoData == .pass } else { false }
        let started = clock.now()
        var attempts = 0
        var failures = 0
        while true {
            attempts += 1
            let attemptStart = timer.monotonicNanoseconds()
            let prober = prober
            let verdict = (prober.boundsItsOwnTime(probe) ? await prober.probe(probe, timeout: timeout) : await Deadline.run(timeout, clock: timer) { await prober.probe(probe, timeout: timeout) })
                ?? .fail(Task.isCancelled ? "stopped: verification's deadline passed" : "no answer within \(DurationText.format(timeout))")
            let latency = Duration.nanoseconds(Int64(clamping: timer.monotonicNanoseconds() &- attemptStart))
            let passed = verdict.outcome == .pass || (verdict.outcome == .noData && noDataPasses)
            if passed {
                var judged = verdict
                if verdict.outcome == .noData { judged.message += "; on_no_data: pass" }
                return result(judged, passed: true, attempts: attempts, latency: latency)
            }
            let inStartPeriod = clock.now().timeIntervalSince(started) < startPeriod.seconds
            if !inStartPeriod { failures += 1 }
            if failures > retries || Task.isCancelled {
                var judged = verdict
                if verdict.outcome == .noData { judged.message += "; on_no_data: fail" }
                if attempts > 1 { judged.message += " (after \(attempts) attempts)" }
                return result(judged, passed: false, attempts: attempts, latency: latency)
            }
            do {
                try await clock.sleep(for: interval)
            } catch {
                return result(verdict, passed: false, attempts: attempts, latency: latency)
            }
        }
    }
}

/// Results as they arrive, kept by plan index.
private actor ResultCollector {
    var results: [Int: CheckResult] = [:]
    func add(_ index: Int, _ result: CheckResult) { results[index] = result }
}
