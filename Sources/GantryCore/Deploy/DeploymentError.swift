/// Why the engine could not run a deployment to its end.
package enum DeploymentError: Error, Sendable {
    /// A `${VAR}` the deploy command needs is not set; nothing was changed.
    case missingVariable(UnsetCommandVariable)
    /// The store failed. `changed` says whether a deploy or rollback command had started
    /// (production may be changed, so this is never "nothing changed"); `restored` whether
    /// a rollback had then been verified.
    case store(StoreError, changed: Bool, restored: Bool)
    /// `gantry rollback` without `--to` found no release to go back to; nothing was changed.
    case noRollbackTarget(RollbackTarget.Missing)
    /// `gantry promote` / `gantry abort` cannot carry a paused rollout on: the config no
    /// longer makes the batches it journaled (`PauseDecision.drift`); nothing was changed.
    case cannotResume(String)
}
