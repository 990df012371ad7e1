package import Foundation
package import GantryCore

/// Everything the metrics, the status API and the status page show, read from the state
/// store at one moment. Built the same way by a one-shot command (for its textfile) and by
/// `gantry serve` (on every poll), so both tell the same story about deployments made by any
/// process that shares the store.
package struct MonitoringState: Sendable {
    /// One configured environment: what the store knows about it (the model `gantry status`
    /// reads too) and the names of its checks.
    package struct Environment: Sendable {
        package var status: EnvironmentStatus
        /// The check names of the config: the only label values `gantry_check_*` may carry.
        package var checks: [String]
        /// The runners that may deploy it (`RunnerSelection.eligible`), the first choice by
        /// priority first: a failover goes from that one to another, so these are the label
        /// sets `gantry_runner_failovers_total` starts at 0 with.
        package var runners: [String]

        package var name: String { status.name }

        init(_ status: EnvironmentStatus, checks: [String], runners: [String] = []) {
            self.status = status
            self.checks = checks
            self.runners = runners
        }

        package init(
            name: String, state: EnvironmentState, lease: Lease?, waiters: [LockWaiter], checks: [String], recent: [DeploymentRecord],
            runners: [String] = []
        ) {
            self.init(EnvironmentStatus(name: name, state: state, lease: lease, waiters: waiters, recent: recent), checks: checks, runners: runners)
        }
    }

    package var now: Date
    package var environments: [Environment]
    /// The configured runners' names: the only label values `gantry_runner_*` may carry.
    package var runners: [String]
    /// What the store counted about finished deployments (metrics read only these).
    var totals: HistoryTotals
    package var observations: [Observation]
    var failoverCounts: [FailoverCount]
    package var recentFailovers: [RunnerFailover]

    /// `deployments` stand for a store's history (tests): their totals are counted here.
    package init(
        now: Date, environments: [Environment], runners: [String], deployments: [DeploymentRecord] = [], totals: HistoryTotals? = nil,
        observations: [Observation] = [], failoverCounts: [FailoverCount] = [], recentFailovers: [RunnerFailover] = []
    ) {
        self.now = now
        self.environments = environments
        self.runners = runners
        self.totals = totals ?? HistoryTotals(records: deployments)
        self.observations = observations
        self.failoverCounts = failoverCounts
        self.recentFailovers = recentFailovers
    }

    /// Reads the state of every configured environment. A missing store (nothing deployed
    /// yet) reads as empty.
    package static func load(config: GantryConfig, store: (any StateStore)?, now: Date, recent: Int = 10) async throws(StoreError) -> MonitoringState {
        var environments: [Environment] = []
        for environment in config.environments {
            var status = EnvironmentStatus(name: environment.name)
            if let store { status = try await EnvironmentStatus.read(
                    environment.name, store: store, now: now, recent: recent, rollouts: environment.rollout != nil, promotion: environment.promoteFrom
                ) }
            let runners = RunnerSelection.eligible(config.runners, for: environment.name)
                .sorted { ($0.priority, $0.name) < ($1.priority, $1.name) }
                .map(\.name)
            environments.append(Environment(status, checks: environment.checks.map(\.name), runners: runners))
        }
        var state = MonitoringState(now: now, environments: environments, runners: config.runners.map(\.name))
        if let store {
            let configured = Set(config.environments.map(\.name))
            let totals = try await store.totals()
            state.totals = HistoryTotals(
                outcomes: totals.outcomes.filter { configured.contains($0.environment) }, failures: totals.failures.filter { configured.contains($0.environment) },
                breakGlass: totals.breakGlass.filter { configured.contains($0.environment) }
            )
            state.observations = try await store.observations()
            state.failoverCounts = try await store.failoverCounts().filter { configured.contains($0.environment) }
            state.recentFailovers = try await store.failovers(limit: recent)
        }
        return state
    }

    /// Adds fresher observations (a serve loop's own probes) over those from the store.
    package mutating func merge(_ fresh: [Observation]) {
        observations = Observation.merge(observations, fresh)
    }

    /// The latest observation of a configured runner.
    package func runner(_ name: String) -> Observation? {
        observations.first { $0.subject == .runner && $0.name == name }
    }

    /// The latest observation of a configured check.
    package func check(_ name: String, environment: String) -> Observation? {
        observations.first { $0.subject == .check && $0.environment == environment && $0.name == name }
    }
}
