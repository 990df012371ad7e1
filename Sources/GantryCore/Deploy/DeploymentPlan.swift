import Foundation

/// What `gantry deploy` would do, step by step, computed without doing any of it.
package struct DeploymentPlan: Sendable, Hashable, Codable {
    package struct Item: Sendable, Hashable, Codable {
        package var step: Step
        /// What the step would do, in a sentence (masked).
        package var action: String
        /// The resolved, masked argv of a step that runs a command.
        package var command: [String]?
        package var timeout: String?
    }

    package var environment: String
    package var release: String
    /// Whether the deploy would be skipped because the release is already live.
    var wouldSkip: Bool
    package var items: [Item]
}
