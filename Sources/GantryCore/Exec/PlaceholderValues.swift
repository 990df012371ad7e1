/// Values a command's placeholders stand for.
package struct PlaceholderValues: Sendable, Hashable {
    package var release: String
    package var environment: String
    /// The inventory path, resolved against the config directory; empty when none.
    package var inventory: String
    package var deploymentID: String
    package var targets: [String]

    package init(release: String, environment: String, inventory: String, deploymentID: String, targets: [String]) {
        self.release = release
        self.environment = environment
        self.inventory = inventory
        self.deploymentID = deploymentID
        self.targets = targets
    }

    var table: [(String, String)] {
        [
            ("{release}", release), ("{environment}", environment), ("{inventory}", inventory),
            ("{deployment_id}", deploymentID), ("{targets}", targets.joined(separator: ",")),
        ]
    }

    /// `GANTRY_*` variables every command receives.
    var environmentVariables: [String: String] {
        [
            "GANTRY_ENVIRONMENT": environment, "GANTRY_RELEASE": release, "GANTRY_DEPLOYMENT_ID": deploymentID,
            "GANTRY_TARGETS": targets.joined(separator: ","), "GANTRY_INVENTORY": inventory,
        ]
    }
}
