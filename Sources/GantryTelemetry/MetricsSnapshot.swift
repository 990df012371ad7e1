import Foundation
import GantryCore

/// The values of every Gantry metric at one moment, derived from a `MonitoringState`.
///
/// Counters and the duration histogram come from the totals the store keeps as outcomes are
/// recorded (`HistoryTotals`), so they cost the same with any length of history, never go
/// down when old deployments are pruned, and agree between a textfile written by one process
/// and a `gantry serve` reading the same store. Label values come from the config (environments,
/// runners, checks) or from fixed sets (outcomes, rollback reasons); a release appears only
/// in `gantry_release_info`, one series per environment.
///
/// Every counter, the histogram and every gauge whose label sets the config and those fixed
/// sets determine are there from the first scrape, at 0 until something happens: a series
/// that appears only with its first event hides that event from `increase()` and `rate()`,
/// and leaves `absent()` nothing to tell apart. A timestamp is 0 until its first deployment.
/// What only an observation can say is left out until there is one: `gantry_runner_up` and
/// `gantry_check_up` at 0 would claim a runner or check is down before anything probed it
/// (and fire the alerts on them), and `gantry_release_info` needs a release.
package struct MetricsSnapshot: Sendable, Equatable {
    package struct Sample: Sendable, Equatable {
        package var name: String
        package var labels: [Label]
        package var value: Double
    }

    package struct Label: Sendable, Equatable {
        package var name: String
        package var value: String

        package init(_ name: String, _ value: String) {
            self.name = name
            self.value = value
        }
    }

    /// One histogram series, already counted into `HistoryTotals.durationBuckets`.
    package struct Histogram: Sendable, Equatable {
        package var name: String
        package var labels: [Label]
        /// Observations per bucket, not cumulative, the last for those above every bound.
        package var buckets: [Int]
        package var sum: Duration
        package var count: Int
    }

    package var counters: [Sample] = []
    package var gauges: [Sample] = []
    package var histograms: [Histogram] = []

    /// Why a rollback ran, a fixed set: `automatic` (a deploy rolled itself back) or
    /// `manual` (`gantry rollback`).
    enum RollbackReason: String, CaseIterable, Sendable {
        case automatic
        case manual
    }

    package init(_ state: MonitoringState, version: String) {
        gauges.append(Sample(name: MetricName.buildInfo, labels: [Label("version", version)], value: 1))
        let totals = state.totals
        for environment in state.environments {
            let name = environment.name
            let env = Label("environment", name)
            // `paused` is a process's exit, never a recorded outcome.
            for outcome in Outcome.allCases where outcome != .paused {
                let finished = totals.outcomes(environment: name, kind: .deploy, outcome: outcome)
                counters.append(Sample(name: MetricName.deploymentsTotal, labels: [env, Label("outcome", outcome.rawValue)], value: Double(finished?.count ?? 0)))
                gauges.append(Sample(
                    name: MetricName.lastDeploymentTimestamp, labels: [env, Label("outcome", outcome.rawValue)],
                    value: finished?.lastFinishedAt?.timeIntervalSince1970 ?? 0
                ))
                // Skipped and refused deploys ran nothing; their instants would only drag p50 down.
                if outcome != .skipped, outcome != .refused {
                    let durations = finished ?? HistoryTotals.Outcomes(environment: name, kind: .deploy, outcome: outcome)
                    histograms.append(Histogram(
                        name: MetricName.deploymentDuration, labels: [env, Label("outcome", outcome.rawValue)],
                        buckets: durations.buckets, sum: durations.durationSum, count: durations.count
                    ))
                }
            }
            let automatic = totals.outcomes(environment: name, kind: .deploy, outcome: .rolledBack)?.count ?? 0
            let manual = Outcome.allCases.filter { $0 != .refused && $0 != .skipped && $0 != .paused }
                .reduce(0) { $0 + (totals.outcomes(environment: name, kind: .rollback, outcome: $1)?.count ?? 0) }
            for (reason, count) in [(RollbackReason.automatic, automatic), (.manual, manual)] {
                counters.append(Sample(name: MetricName.rollbacksTotal, labels: [env, Label("reason", reason.rawValue)], value: Double(count)))
            }
            // Every code, zeros included: a series that appears only with its first failure
            // hides that failure from increase() and rate().
            for code in ReasonCode.allCases {
                counters.append(Sample(name: MetricName.failuresTotal, labels: [env, Label("code", code.rawValue)], value: Double(totals.failures(environment: name, code: code))))
            }
            // At 0 for every environment until it happens, as the failures.
            counters.append(Sample(name: MetricName.breakGlassTotal, labels: [env], value: Double(totals.breakGlass(environment: name))))
            let live = environment.status.liveLease(at: state.now)
            gauges.append(Sample(name: MetricName.lockHeld, labels: [env], value: live != nil ? 1 : 0))
            let deploying = live?.deploymentID != nil
            gauges.append(Sample(name: MetricName.deploymentInProgress, labels: [env], value: deploying ? 1 : 0))
            gauges.append(Sample(name: MetricName.rolloutBatch, labels: [env], value: Double(environment.status.rollout?.batch ?? 0)))
            let oldest = environment.status.waiters.map(\.enqueuedAt).min()
            gauges.append(Sample(name: MetricName.lockWait, labels: [env], value: oldest.map { max(0, state.now.timeIntervalSince($0)) } ?? 0))
            if let current = environment.status.state.current {
                gauges.append(Sample(name: MetricName.releaseInfo, labels: [env, Label("release", current)], value: 1))
            }
            for check in environment.checks {
                guard let observation = state.check(check, environment: name) else { continue }
                let labels = [env, Label("check", check)]
                gauges.append(Sample(name: MetricName.checkUp, labels: labels, value: observation.healthy ? 1 : 0))
                gauges.append(Sample(name: MetricName.checkDuration, labels: labels, value: Double(observation.durationMilliseconds) / 1000))
            }
        }
        for runner in state.runners {
            guard let observation = state.runner(runner) else { continue }
            gauges.append(Sample(name: MetricName.runnerUp, labels: [Label("runner", runner)], value: observation.healthy ? 1 : 0))
            gauges.append(Sample(name: MetricName.runnerProbeDuration, labels: [Label("runner", runner)], value: Double(observation.durationMilliseconds) / 1000))
        }
        // Every failover an environment can have, from its first choice to each other runner,
        // at 0 until it happens; then any other counted between configured runners (the
        // priorities changed since).
        let runners = Set(state.runners)
        var failovers: [FailoverCount] = state.environments.flatMap { environment -> [FailoverCount] in
            let eligible = environment.runners.filter { runners.contains($0) }
            guard let first = eligible.first else { return [] }
            return eligible.dropFirst().map { FailoverCount(environment: environment.name, from: first, to: $0, count: 0) }
        }
        for counted in state.failoverCounts where runners.contains(counted.from) && runners.contains(counted.to) {
            if let index = failovers.firstIndex(where: { $0.environment == counted.environment && $0.from == counted.from && $0.to == counted.to }) {
                failovers[index].count += counted.count
            } else {
                failovers.append(counted)
            }
        }
        for failover in failovers {
            counters.append(Sample(
                name: MetricName.runnerFailoversTotal,
                labels: [Label("environment", failover.environment), Label("from", failover.from), Label("to", failover.to)],
                value: Double(failover.count)
            ))
        }
    }
}
