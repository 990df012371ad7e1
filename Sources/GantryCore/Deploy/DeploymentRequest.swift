/// What to deploy, where, and on whose behalf.
package struct DeploymentRequest: Sendable {
    package var environment: EnvironmentConfig
    package var release: Release
    var force: Bool
    /// The config file's directory: relative paths resolve here and commands run here.
    package var directory: String
    package var origin: Origin
    /// The variables commands inherit and `${VAR}` reads.
    package var processEnvironment: [String: String]
    /// The hosts deployed to and checked: `targets:` resolved against the inventory.
    package var targets: [TargetHost]
    /// `.rollback` for `gantry rollback`: runs the rollback command for `release`.
    package var kind: DeploymentRecord.Kind
    /// How long to wait for the environment's lock before giving up (`refused`).
    package var lockWait: Duration
    /// `--override --reason T`: deploy despite a freeze, a freeze window or an open circuit
    /// breaker; the reason is journaled.
    package var override: String?
    /// `--skip-promotion --reason T`: deploy though `promote_from`'s gate refuses (break
    /// glass); the reason and the refusal it overrode are journaled and kept in the outcome.
    package var skipPromotion: String?
    /// `sha256:<hex>` of the configuration file as read: what `approvals:` must have been
    /// signed for.
    package var configDigest: String?
    /// A refusal found before the engine ran (the runner gate's `runner_unfit`): the engine
    /// records a refused deployment with it and runs nothing.
    package var refusal: Refusal?
    /// `gantry rollback` without `--to`: the engine picks `release` under the lease
    /// (`RollbackTarget`); until then it is a stand-in (`Release.rollbackStandIn`).
    package var rollsBackToPrevious = false
    /// Set by `gantry promote` / `gantry abort` for a rollout another process left paused
    /// (`on_pause: exit`): the engine carries that deployment on instead of starting one.
    package var resume: PausedRollout?

    package init(
        environment: EnvironmentConfig, release: Release, force: Bool, directory: String, origin: Origin,
        processEnvironment: [String: String], targets: [TargetHost]? = nil, kind: DeploymentRecord.Kind = .deploy,
        lockWait: Duration = .zero
    ) {
        self.lockWait = lockWait
        self.targets = targets ?? environment.targets.map { TargetHost(name: $0) }
        self.kind = kind
        self.environment = environment
        self.release = release
        self.force = force
        self.directory = directory
        self.origin = origin
        self.processEnvironment = processEnvironment
    }

    /// The command of this deployment (the deploy command, or for `gantry rollback` the
    /// rollback command) resolved for deployment `id`, secrets masked in its display.
    /// Fails, before anything is changed, when a `${VAR}` it uses is not set.
    /// `hosts` narrows `{targets}` and `GANTRY_TARGETS` to one batch of a rollout.
    func deployInvocation(for id: DeploymentID, hosts: [TargetHost]? = nil) throws(Interpolation.MissingVariable) -> CommandInvocation {
        if kind == .rollback { return try rollbackInvocation(to: release.value, for: id) }
        return try CommandResolver.resolve(
            environment.deploy, values: placeholders(deploymentID: id, hosts: hosts), directory: directory,
            processEnvironment: processEnvironment, masker: masker
        )
    }

    /// The rollback command for going back to `target`: `{release}` and `GANTRY_RELEASE` are
    /// the target, `GANTRY_ROLLBACK_TO` names it too, and `GANTRY_FAILED_RELEASE` is the
    /// release being abandoned. `hosts` narrows `{targets}` and `GANTRY_TARGETS` to the hosts
    /// a rollout changed.
    func rollbackInvocation(to target: String, for id: DeploymentID, hosts: [TargetHost]? = nil) throws(Interpolation.MissingVariable) -> CommandInvocation {
        let command = environment.rollback ?? environment.deploy
        var values = placeholders(deploymentID: id, hosts: hosts)
        values.release = target
        var invocation = try CommandResolver.resolve(
            command, values: values, directory: directory, processEnvironment: processEnvironment, masker: masker
        )
        invocation.environment["GANTRY_ROLLBACK_TO"] = target
        invocation.environment["GANTRY_FAILED_RELEASE"] = release.value
        return invocation
    }

    /// The state machine's view of what this configuration allows.
    var policy: DeploymentStateMachine.Policy {
        DeploymentStateMachine.Policy(
            retry: environment.retry, canRollBack: environment.rollback != nil,
            rollbackOnInterrupt: environment.rollbackOnInterrupt, kind: kind,
            batches: batches.count, bake: AnalysisRunner.window(environment.checks, bake: environment.rollout?.bake ?? .zero),
            pauseTimeout: environment.rollout?.pauseTimeout ?? RolloutConfig.defaultPauseTimeout, pauses: pauseSteps
        )
    }

    /// The rollout's pause steps, by the batch (from 1) they follow; none without batches.
    package var pauseSteps: [Int: RolloutConfig.PauseStep] {
        guard kind == .deploy, let rollout = environment.rollout, targets.count > 1 else { return [:] }
        return rollout.pauseSteps(of: targets.count)
    }

    /// The targets in the order they are deployed: the batches of `rollout:` for a deploy,
    /// or one batch of every target (a rollback, a recovery, or no `rollout:`).
    package var batches: [[TargetHost]] {
        guard kind == .deploy, let rollout = environment.rollout, targets.count > 1 else { return [targets] }
        return rollout.split(targets)
    }

    /// Hides the values of this environment's secrets.
    package var masker: SecretMasker {
        SecretMasker.forEnvironment(environment, processEnvironment: processEnvironment)
    }

    /// Values for `{release}`, `{environment}`, `{inventory}`, `{deployment_id}` and
    /// `{targets}` (`hosts`, or every target).
    func placeholders(deploymentID: DeploymentID, hosts: [TargetHost]? = nil) -> PlaceholderValues {
        PlaceholderValues(
            release: release.value, environment: environment.name,
            inventory: environment.inventory.map { PathText.join(directory, $0) } ?? "",
            deploymentID: deploymentID.rawValue, targets: (hosts ?? targets).map(\.name)
        )
    }
}

