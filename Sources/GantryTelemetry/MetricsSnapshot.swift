import Foundation
import GantryCore

/// The values of every Gantry metric at one moment, derived from a `MonitoringState`.
///
/// Counters and the duration histogram are recomputed from the stored history each time, so
/// they only grow as history grows and agree between a textfile written by one process and a
/// `gantry serve` reading the same store. Label values come from the config (environments,
/// runners, checks) or from fixed sets (outcomes, rollback reasons); a release appears only
/// in `gantry_release_info`, one series per environment.
public struct MetricsSnapshot: Sendable, Equatable {
    public struct Sample: Sendable, Equatable {
        public var name: String
        public var labels: [Label]
        public var value: Double
    }

    public struct Label: Sendable, Equatable {
        public var name: String
        public var value: String

        public init(_ name: String, _ value: String) {
            self.name = name
            self.value = value
        }
    }

    /// Observations of one histogram series.
    public struct Durations: Sendable, Equatable {
        public var name: String
        public var labels: [Label]
        public var values: [Duration]
    }

    public var counters: [Sample] = []
    public var gauges: [Sample] = []
    public var histograms: [Durations] = []

    /// Buckets for deployment durations: seconds up to an hour.
    public static let deploymentBuckets: [Duration] = [1, 5, 15, 30, 60, 120, 300, 600, 900, 1800, 2700, 3600].map { .seconds($0) }

    /// Why a rollback ran, a fixed set: `automatic` (a deploy rolled itself back) or
    /// `manual` (`gantry rollback`).
    public enum RollbackReason: String, CaseIterable, Sendable {
        case automatic
        case manual
    }

    public init(_ state: MonitoringState, version: String) {
        gauges.append(Sample(name: MetricName.buildInfo, labels: [Label("version", version)], value: 1))
        let byEnvironment = Dictionary(grouping: state.deployments, by: \.environment)
        for environment in state.environments {
            let name = environment.name
            let env = Label("environment", name)
            let history = byEnvironment[name] ?? []
            let deploys = history.filter { $0.kind == .deploy }
            for outcome in Outcome.allCases {
                let finished = deploys.filter { $0.outcome == outcome }
                counters.append(Sample(name: MetricName.deploymentsTotal, labels: [env, Label("outcome", outcome.rawValue)], value: Double(finished.count)))
                if let last = finished.compactMap(\.finishedAt).max() {
                    gauges.append(Sample(name: MetricName.lastDeploymentTimestamp, labels: [env, Label("outcome", outcome.rawValue)], value: last.timeIntervalSince1970))
                }
                // Skipped and refused deploys ran nothing; their instants would only drag p50 down.
                if outcome != .skipped, outcome != .refused {
                    let durations = finished.compactMap(\.duration)
                    if !durations.isEmpty {
                        histograms.append(Durations(name: MetricName.deploymentDuration, labels: [env, Label("outcome", outcome.rawValue)], values: durations))
                    }
                }
            }
            let automatic = deploys.filter { $0.outcome == .rolledBack }.count
            let manual = history.filter { $0.kind == .rollback && $0.outcome != nil && $0.outcome != .refused && $0.outcome != .skipped }.count
            for (reason, count) in [(RollbackReason.automatic, automatic), (.manual, manual)] {
                counters.append(Sample(name: MetricName.rollbacksTotal, labels: [env, Label("reason", reason.rawValue)], value: Double(count)))
            }
            // Every code, zeros included: a series that appears only with its first failure
            // hides that failure from increase() and rate().
            var failures = Dictionary(uniqueKeysWithValues: ReasonCode.allCases.map { ($0, 0) })
            for record in history { if let code = record.reasonCode { failures[code, default: 0] += 1 } }
            for code in ReasonCode.allCases {
                counters.append(Sample(name: MetricName.failuresTotal, labels: [env, Label("code", code.rawValue)], value: Double(failures[code] ?? 0)))
            }
            let live = environment.lease.map { $0.isLive(at: state.now) } ?? false
            gauges.append(Sample(name: MetricName.lockHeld, labels: [env], value: live ? 1 : 0))
            let deploying = live && environment.lease?.deploymentID != nil
            gauges.append(Sample(name: MetricName.deploymentInProgress, labels: [env], value: deploying ? 1 : 0))
            let oldest = environment.waiters.map(\.enqueuedAt).min()
            gauges.append(Sample(name: MetricName.lockWait, labels: [env], value: oldest.map { max(0, state.now.timeIntervalSince($0)) } ?? 0))
            if let current = environment.state.current {
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
        let runners = Set(state.runners)
        for failover in state.failoverCounts where runners.contains(failover.from) && runners.contains(failover.to) {
            counters.append(Sample(
                name: MetricName.runnerFailoversTotal,
                labels: [Label("environment", failover.environment), Label("from", failover.from), Label("to", failover.to)],
                value: Double(failover.count)
            ))
        }
    }
}
