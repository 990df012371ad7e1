package import Foundation

/// How a deployment ended, for the terminal, JSON and exit code.
package struct DeploymentSummary: Sendable, Hashable, Codable {
    package var id: DeploymentID
    package var environment: String
    package var release: String
    package var outcome: Outcome
    package var reason: String
    /// What the environment ran before, if anything.
    package var previousRelease: String?
    package var startedAt: Date
    package var finishedAt: Date
    package var attempts: Int
    /// The release a rollback went back to, when one ran.
    package var rolledBackTo: String?
    /// Why it did not succeed, as a code; nil when it did (or was skipped).
    package var reasonCode: ReasonCode?

    package var duration: Duration {
        .milliseconds(Int64((finishedAt.timeIntervalSince(startedAt) * 1000).rounded()))
    }
}
