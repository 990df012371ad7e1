package import Foundation

/// A deployment as every JSON output shows it: `deploy`/`plan`/`history`/`show --json` and
/// the status API's newest deployments.
package struct DeploymentView: Encodable, Sendable {
    package var id: String
    package var environment: String
    package var release: String
    package var kind: String
    package var outcome: String?
    package var reason: String?
    /// Why it did not succeed, as a stable code (`ReasonCatalog`); absent when it did.
    package var reasonCode: String?
    package var startedAt: Date
    package var finishedAt: Date?
    var durationSeconds: Double?
    package var forced: Bool
    /// Present when it went past its promotion gate or approvals (`--skip-promotion`).
    package var breakGlass: String?
    package var host: String
    package var pid: Int32
    package var runner: String?
    package var actor: String?
    var runUrl: String?
    package var commit: String?

    package init(_ record: DeploymentRecord) {
        id = record.id.rawValue
        environment = record.environment
        release = record.release
        kind = record.kind.rawValue
        outcome = record.outcome?.rawValue
        reason = record.reason
        reasonCode = record.reasonCode?.rawValue
        startedAt = record.startedAt
        finishedAt = record.finishedAt
        durationSeconds = record.duration?.seconds
        forced = record.forced
        breakGlass = record.breakGlass
        host = record.origin.host
        pid = record.origin.pid
        runner = record.origin.runner
        actor = record.origin.actor
        runUrl = record.origin.runURL
        commit = record.origin.commit
    }
}
