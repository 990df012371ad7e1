import Foundation
import GantryCore
import GantryTelemetry

/// `GET /api/v1/status`: environments with their releases, lock, freeze, checks and newest
/// deployments; runners with their latest verdicts; recent failovers. Every text in it was
/// masked before it was stored or observed; no secret value reaches this document.
struct StatusDocument: Encodable {
    var generatedAt: Date
    var version: String
    /// Set when the state store could not be read at the last poll.
    var storeError: String?
    var environments: [EnvironmentView]
    var runners: [ObservationView]
    var failovers: [FailoverView]

    struct EnvironmentView: Encodable {
        var name: String
        var current: String?
        var lastGood: String?
        var deploying: Bool
        /// The batch a running rollout is at.
        var rollout: RolloutProgress?
        var lock: LockView?
        var waiting: Int
        var frozen: FreezeView?
        var checks: [ObservationView]
        var deployments: [DeploymentView]
    }

    struct LockView: Encodable {
        var holder: String
        var runner: String?
        var deploymentId: String?
        var reason: String?
        var since: Date
        var expiresAt: Date?
    }

    struct ObservationView: Encodable {
        var name: String
        var healthy: Bool
        var message: String
        var durationSeconds: Double
        var checkedAt: Date

        init(_ observation: Observation) {
            name = observation.name
            healthy = observation.healthy
            message = observation.message
            durationSeconds = Double(observation.durationMilliseconds) / 1000
            checkedAt = observation.at
        }
    }

    struct FailoverView: Encodable {
        var environment: String
        var from: String
        var to: String
        var reason: String
        var at: Date
    }

    init(_ state: MonitoringState, version: String, storeError: String?) {
        generatedAt = state.now
        self.version = version
        self.storeError = storeError
        environments = state.environments.map { environment in
            let lease = environment.status.liveLease(at: state.now)
            return EnvironmentView(
                name: environment.name, current: environment.status.state.current, lastGood: environment.status.state.lastGood,
                deploying: lease?.deploymentID != nil,
                rollout: environment.status.rollout,
                lock: lease.map {
                    LockView(
                        holder: $0.owner.summary, runner: $0.owner.runner, deploymentId: $0.deploymentID?.rawValue, reason: $0.reason,
                        since: $0.acquiredAt, expiresAt: $0.shownExpiry
                    )
                },
                waiting: environment.status.waiters.count,
                frozen: environment.status.state.freeze.map(FreezeView.init),
                checks: environment.checks.compactMap { state.check($0, environment: environment.name) }.map(ObservationView.init),
                deployments: environment.status.recent.map(DeploymentView.init)
            )
        }
        runners = state.runners.compactMap { state.runner($0) }.map(ObservationView.init)
        failovers = state.recentFailovers.map { FailoverView(environment: $0.environment, from: $0.from, to: $0.to, reason: $0.reason, at: $0.at) }
    }

    func encoded() -> [UInt8] {
        Array(JSONDocument.encode(self)) + [0x0A]
    }
}
