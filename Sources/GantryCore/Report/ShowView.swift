/// `show --json`, and `deployment.json` of a diagnosis bundle.
package struct ShowView: Encodable {
    package var deployment: DeploymentView
    /// The last batch a rollout started, if the deployment rolled out.
    package var rollout: RolloutProgress?
    package var journal: [JournalEntryView]

    package init(deployment: DeploymentView, rollout: RolloutProgress? = nil, journal: [JournalEntryView]) {
        self.deployment = deployment
        self.rollout = rollout
        self.journal = journal
    }
}
