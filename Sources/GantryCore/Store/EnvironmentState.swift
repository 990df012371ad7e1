package import Foundation

/// What an environment runs, as far as verification knows.
package struct EnvironmentState: Sendable, Hashable, Codable {
    package var name: String
    /// The release that last passed verification. Only a verified deploy sets it.
    package var current: String?
    /// The release to roll back to.
    package var lastGood: String?
    /// The deployment that set `current`.
    package var currentDeploymentID: DeploymentID?
    var updatedAt: Date?
    /// Set while someone has frozen the environment by hand.
    package var freeze: Freeze?
    /// `gantry unfreeze` resets the circuit breaker: failures before this do not count.
    package var breakerResetAt: Date?

    /// A hold on deploys, by hand, with why.
    package struct Freeze: Sendable, Hashable, Codable {
        package var reason: String
        package var by: String
        package var at: Date

        package init(reason: String, by: String, at: Date) {
            self.reason = reason
            self.by = by
            self.at = at
        }
    }

    package init(
        name: String, current: String? = nil, lastGood: String? = nil, currentDeploymentID: DeploymentID? = nil, updatedAt: Date? = nil,
        freeze: Freeze? = nil, breakerResetAt: Date? = nil
    ) {
        self.freeze = freeze
        self.breakerResetAt = breakerResetAt
        self.name = name
        self.current = current
        self.lastGood = lastGood
        self.currentDeploymentID = currentDeploymentID
        self.updatedAt = updatedAt
    }
}
