/// One place to deploy: its commands, secrets and checks.
package struct EnvironmentConfig: Sendable {
    package var name: String
    /// An Ansible inventory path (relative to the config directory), passed as `{inventory}`.
    package var inventory: String?
    /// The hosts this environment deploys to, exported as `GANTRY_TARGETS`.
    package var targets: [String]
    /// Names of environment variables whose values are secrets: checked for presence, and
    /// masked wherever Gantry prints or stores text.
    package var secrets: [String]
    package var deploy: CommandConfig
    package var rollback: CommandConfig?
    package var checks: [CheckConfig]
    var checkDefaults: CheckTiming
    /// The limit of a whole verification, whatever the checks do.
    package var verifyTimeout: Duration
    /// How many probes run at once.
    package var checkConcurrency: Int
    /// What preflight checks before the deploy command runs.
    package var preflight = PreflightConfig()
    /// Times when deploys are refused.
    var freezeWindows: [FreezeWindow] = []
    /// Refuse deploys after this many consecutive failed or rolled-back ones.
    var circuitBreaker: Int?
    /// `promote_from:`: where a release must have soaked, verified, before it comes here.
    package var promoteFrom: PromotionConfig?
    /// `approvals:`: the signed sign-offs a release needs before it comes here.
    package var approvals: ApprovalsConfig?
    /// After an automatic rollback, keep the environment locked by hand, with the failure as
    /// the reason, so the next push does not walk into the same failure.
    var lockAfterRollback = false
    /// `protect.alertmanager`: the incident gate, if configured.
    package var alertGate: AlertGateConfig?
    /// `rollout:`: deploy the targets batch by batch; nil deploys them all at once.
    package var rollout: RolloutConfig?
    /// `notify:` of the top level and of the environment: who hears about its deployments.
    package var notify: [WebhookConfig] = []
    /// How long a lease lasts without renewal; the holder renews it every third of that.
    package var lease: Duration
    /// A waiting deployment gives up when a newer one queues behind it.
    var supersede: Bool
    /// Which deploy failures are retried, and when.
    package var retry: RetryPolicy
    /// After SIGINT/SIGTERM: roll back to the last good release (the default), or leave
    /// production as the interrupted command left it.
    var rollbackOnInterrupt: Bool
    /// Names of variables read through `${VAR}` anywhere in the environment (and into the
    /// state URL, `serve.token_env` and the runners' `token_env`), except those declared in
    /// `public_variables`; their values are masked like declared secrets.
    package var credentialVariables: Set<String>
    /// URLs as written in credential fields; their `user:password@` part is masked.
    var credentialURLs: [String]

    package init(
        name: String, inventory: String? = nil, targets: [String] = [], secrets: [String] = [],
        deploy: CommandConfig, rollback: CommandConfig? = nil, checks: [CheckConfig] = [],
        checkDefaults: CheckTiming = .defaults, verifyTimeout: Duration = EnvironmentConfig.defaultVerifyTimeout,
        checkConcurrency: Int = EnvironmentConfig.defaultCheckConcurrency, lease: Duration = .seconds(60),
        supersede: Bool = false, retry: RetryPolicy = .none,
        rollbackOnInterrupt: Bool = true, credentialVariables: Set<String> = [],
        credentialURLs: [String] = []
    ) {
        self.name = name
        self.inventory = inventory
        self.targets = targets
        self.secrets = secrets
        self.deploy = deploy
        self.rollback = rollback
        self.checks = checks
        self.checkDefaults = checkDefaults
        self.verifyTimeout = verifyTimeout
        self.checkConcurrency = checkConcurrency
        self.retry = retry
        self.lease = lease
        self.supersede = supersede
        self.rollbackOnInterrupt = rollbackOnInterrupt
        self.credentialVariables = credentialVariables
        self.credentialURLs = credentialURLs
    }

    static let defaultVerifyTimeout: Duration = .seconds(300)
    static let defaultCheckConcurrency = 32

    /// Every variable whose value must never be shown.
    package var maskedVariables: Set<String> {
        credentialVariables.union(secrets)
    }
}
