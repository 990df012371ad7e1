import Foundation

/// Runs a bake's analyses: each `prometheus` check with `analysis:` measured every
/// `interval` (in parallel with the others), or for `compare:` judged once over the window.
package struct AnalysisRunner: Sendable {
    let prober: any Prober
    let clock: any GantryClock

    package init(prober: any Prober, clock: any GantryClock) {
        self.prober = prober
        self.clock = clock
    }

    /// How long a bake lasts: `bake`, or longer when an analysis with `count:` needs it.
    package static func window(_ checks: [CheckConfig], bake: Duration) -> Duration {
        checks.compactMap(\.analysis).reduce(bake) { longest, analysis in
            max(longest, analysis.interval * (analysis.count ?? (bake > .zero ? 0 : 1)))
        }
    }

    /// `{batch_hosts}`: the hosts as a regex alternation, for `instance=~"…"` matchers.
    static func batchHosts(_ hosts: [TargetHost]) -> String {
        "(" + hosts.map(\.address).joined(separator: "|") + ")"
    }

    /// Measures every analysis over `window`; stops early when one fails or the task is
    /// cancelled. Verdicts come back in `checks`' order.
    package func run(
        _ checks: [CheckConfig], hosts: [TargetHost], window: Duration, environment: [String: String], masker: SecretMasker
    ) async -> [AnalysisVerdict] {
        let analyses = checks.filter { $0.analysis != nil }
        let runner = self
        let started = clock.now()
        return await withTaskGroup(of: (Int, AnalysisVerdict).self) { group in
            for (index, check) in analyses.enumerated() {
                group.addTask {
                    var verdict = await runner.analyze(check, hosts: hosts, window: window, started: started, environment: environment)
                    verdict.message = masker.mask(verdict.message)
                    return (index, verdict)
                }
            }
            var verdicts: [(Int, AnalysisVerdict)] = []
            for await verdict in group {
                verdicts.append(verdict)
                // A failed analysis fails the batch: the others need not go on measuring.
                if verdict.1.phase == .failed || verdict.1.phase == .error { group.cancelAll() }
            }
            return verdicts.sorted { $0.0 < $1.0 }.map(\.1)
        }
    }

    func analyze(_ check: CheckConfig, hosts: [TargetHost], window: Duration, started: Date, environment: [String: String]) async -> AnalysisVerdict {
        guard let analysis = check.analysis, case .prometheus(var config) = check.probe else {
            return AnalysisVerdict(name: check.name, phase: .error, message: "only a prometheus check can be an analysis")
        }
        let alternation = Self.batchHosts(hosts)
        func fill(_ text: String) throws(Interpolation.MissingVariable) -> String {
            try Interpolation.expand(text.replacingAll("{batch_hosts}", with: alternation), environment: environment)
        }
        let url: String
        do {
            url = try fill(config.url)
            config.query = try fill(config.query)
            if var compare = config.compare {
                compare.query = try fill(compare.query)
                compare.baselineQuery = try fill(compare.baselineQuery)
                config.compare = compare
            }
        } catch {
            return AnalysisVerdict(name: check.name, phase: .error, message: "\(error)")
        }
        let timeout = check.timing.timeout ?? CheckTiming.defaults.timeout ?? .seconds(5)
        var tally = AnalysisTally(name: check.name, config: analysis)
        if let compare = config.compare {
            // One judgement over the whole window, so both sides are measured alike.
            let span = analysis.count.map { analysis.interval * $0 } ?? window
            do { try await clock.sleep(for: span) } catch { return tally.verdict }
            let (phase, message, result) = await judge(compare, url: url, from: started, to: clock.now(), timeout: timeout)
            tally.record(phase, message)
            var verdict = tally.verdict
            verdict.comparison = result
            return verdict
        }
        for _ in 0..<analysis.measurements(in: window) {
            do { try await clock.sleep(for: analysis.interval) } catch { break }
            switch await prober.prometheusSamples(url: url, query: config.query, window: nil, step: .seconds(1), timeout: timeout) {
            case .failure(let failure):
                tally.record(.error, failure.message)
            case .success(let samples):
                // NaN is what a ratio gives without traffic (0/0): no data, not a failure.
                let numbers = samples.filter { !$0.value.isNaN }
                if numbers.isEmpty, !samples.isEmpty {
                    tally.record(.inconclusive, "every sample is NaN (no traffic?)")
                    if tally.isDecided { break }
                    continue
                }
                let verdict = PrometheusQueryResult.evaluate(numbers.map { ($0.labels, $0.value) }, config: config)
                switch verdict.outcome {
                case .pass: tally.record(.successful, verdict.message)
                case .fail: tally.record(.failed, verdict.message)
                case .noData: tally.record(.inconclusive, verdict.message)
                }
            }
            if tally.isDecided { break }
        }
        var verdict = tally.verdict
        verdict.message = tally.summary
        return verdict
    }

    /// Ranks the canary's points against the baseline's over the window: Mann–Whitney U at
    /// `confidence`, failing only when the Hodges–Lehmann difference is also past `tolerance`
    /// in the bad direction.
    func judge(_ compare: CompareConfig, url: String, from start: Date, to end: Date, timeout: Duration) async -> (AnalysisVerdict.Phase, String, MannWhitney.Result?) {
        let window = start...max(start, end)
        async let canaryAnswer = prober.prometheusSamples(url: url, query: compare.query, window: window, step: compare.step, timeout: timeout)
        async let baselineAnswer = prober.prometheusSamples(url: url, query: compare.baselineQuery, window: window, step: compare.step, timeout: timeout)
        let (canaryResult, baselineResult) = await (canaryAnswer, baselineAnswer)
        let canary: [Double]
        let baseline: [Double]
        switch (canaryResult, baselineResult) {
        case (.failure(let failure), _): return (.error, "the canary query failed: \(failure.message)", nil)
        case (_, .failure(let failure)): return (.error, "the baseline query failed: \(failure.message)", nil)
        case (.success(let one), .success(let other)):
            canary = one.map(\.value).filter(\.isFinite)
            baseline = other.map(\.value).filter(\.isFinite)
        }
        guard canary.count >= compare.minSamples, baseline.count >= compare.minSamples else {
            return (.inconclusive, "too few points to compare: canary \(canary.count), baseline \(baseline.count), min_samples \(compare.minSamples)", nil)
        }
        // Hodges–Lehmann ranks every pair: evenly thinned to a bounded number of points per side.
        let result = MannWhitney.test(canary: Self.thinned(canary), baseline: Self.thinned(baseline))
        let significant = result.pValue < 1 - compare.confidence
        let worse = switch compare.failOn {
        case .increase: result.effect > compare.tolerance
        case .decrease: result.effect < -compare.tolerance
        case .either: abs(result.effect) > compare.tolerance
        }
        let figures = "U=\(format(result.u)), p=\(format(result.pValue)), effect \(result.effect >= 0 ? "+" : "")\(format(result.effect)) (canary \(canary.count) points, baseline \(baseline.count))"
        if significant, worse {
            return (.failed, "the canary differs from the baseline: \(figures); tolerance \(format(compare.tolerance)), fail_on \(compare.failOn.rawValue)", result)
        }
        return (.successful, "no significant difference: \(figures)", result)
    }

    /// At most `limit` points, taken evenly across the window.
    static func thinned(_ values: [Double], limit: Int = 2000) -> [Double] {
        guard values.count > limit else { return values }
        return (0..<limit).map { values[$0 * values.count / limit] }
    }

    private func format(_ value: Double) -> String {
        String(format: "%.4g", value)
    }
}
