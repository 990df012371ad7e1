package import Foundation

/// The result of `gantry deploy --json` (and rollback, recover, promote, abort): the
/// document `docs/schemas/deploy-result.schema.json` describes.
package struct DeployResultView: Encodable {
    package var id: String
    package var environment: String
    package var release: String
    package var outcome: String
    package var reason: String
    /// Why it did not succeed, as a stable code (docs/runbooks.md); absent when it did.
    package var reasonCode: String?
    package var previousRelease: String?
    package var startedAt: Date
    package var finishedAt: Date
    var durationSeconds: Double
    package var attempts: Int
    package var rolledBackTo: String?
    package var exitCode: Int32

    package init(_ summary: DeploymentSummary, exitCode: Int32) {
        rolledBackTo = summary.rolledBackTo
        id = summary.id.rawValue
        environment = summary.environment
        release = summary.release
        outcome = summary.outcome.rawValue
        reason = summary.reason
        reasonCode = summary.reasonCode?.rawValue
        previousRelease = summary.previousRelease
        startedAt = summary.startedAt
        finishedAt = summary.finishedAt
        durationSeconds = summary.duration.seconds
        attempts = summary.attempts
        self.exitCode = exitCode
    }
}
