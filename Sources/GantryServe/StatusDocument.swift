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
    /// Each environment in the shape `gantry status --json` writes, plus `checks` and
    /// `deployments`.
    var environments: [EnvironmentStatusDocument]
    var runners: [ObservationDocument]
    var failovers: [FailoverView]

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
            EnvironmentStatusDocument(
                environment.status, at: state.now,
                checks: environment.checks.compactMap { state.check($0, environment: environment.name) },
                deployments: environment.status.recent.count
            )
        }
        runners = state.runners.compactMap { state.runner($0) }.map(ObservationDocument.init)
        failovers = state.recentFailovers.map { FailoverView(environment: $0.environment, from: $0.from, to: $0.to, reason: $0.reason, at: $0.at) }
    }

    func encoded() -> [UInt8] {
        Array(JSONDocument.encode(self)) + [0x0A]
    }
}
