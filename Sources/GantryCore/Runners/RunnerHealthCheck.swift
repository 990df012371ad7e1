/// Probes every source of every runner at once, each bounded by its own timeout, so a
/// decision takes the slowest timeout, never their sum.
///
/// A `local` source can only be judged on its own machine: for every other runner it is
/// left out of the verdict (that runner's own `gantry deploy` gate runs it), so a gate job
/// running on the primary can still fail over to a secondary that has local checks.
package struct RunnerHealthCheck: Sendable {
    let prober: any RunnerProber
    /// Bounds each source by its timeout and measures its latency.
    let timer: any GantryClock

    package init(prober: any RunnerProber, timer: any GantryClock = SystemClock()) {
        self.prober = prober
        self.timer = timer
    }

    package func run(_ runners: [RunnerConfig], thisMachine: String?, environment: [String: String]) async -> [RunnerHealth] {
        let prober = prober
        let timer = timer
        let runners = runners.map { runner in
            guard runner.name != thisMachine else { return runner }
            var remote = runner
            remote.sources = runner.sources.filter { if case .local = $0 { false } else { true } }
            return remote
        }
        let verdicts = await withTaskGroup(of: (Int, Int, SourceVerdict).self) { group in
            for (runnerIndex, runner) in runners.enumerated() {
                for (sourceIndex, source) in runner.sources.enumerated() {
                    group.addTask {
                        let started = timer.monotonicNanoseconds()
                        var verdict = await Deadline.run(source.timeout, clock: timer) {
                            await prober.probe(source, runner: runner, isThisMachine: runner.name == thisMachine, environment: environment)
                        } ?? SourceVerdict(source: source.kind, state: source.kind == "http" ? .unhealthy : .unknown, message: "no answer within \(DurationText.format(source.timeout))")
                        verdict.latencyMilliseconds = Duration.nanoseconds(Int64(clamping: timer.monotonicNanoseconds() &- started)).milliseconds
                        return (runnerIndex, sourceIndex, verdict)
                    }
                }
            }
            var collected: [Int: [(Int, SourceVerdict)]] = [:]
            for await (runnerIndex, sourceIndex, verdict) in group {
                collected[runnerIndex, default: []].append((sourceIndex, verdict))
            }
            return collected
        }
        return runners.enumerated().map { index, runner in
            RunnerSelection.judge(runner, (verdicts[index] ?? []).sorted { $0.0 < $1.0 }.map(\.1))
        }
    }
}
