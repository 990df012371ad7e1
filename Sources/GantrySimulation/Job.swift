import GantryCore

/// One deploy of the workload: which runner runs it, for which environment, when it starts,
/// what its command does, and whether it goes out in batches. Or, with `holdFor`, a person's
/// hold by hand of the environment.
struct Job: Sendable, Hashable {
    var runner: Int
    var environment: Int
    var release: String
    var startAt: Int64
    /// How long the deploy command runs when nothing stops it.
    var commandDuration: Int64
    /// The command fails (exit 1) instead of succeeding.
    var commandFails: Bool
    /// The checks after the command fail.
    var checksFail: Bool
    /// How many changes the command makes on the hosts, spread over its run.
    var changes: Int
    /// How long the command takes to die after SIGKILL (a late death is up to `L/10`).
    var deathDelay: Int64
    /// The command ignores SIGTERM and runs until SIGKILL.
    var ignoresTerm: Bool
    /// Attempts of the deploy command (`retry.attempts`).
    var attempts: Int
    /// How long it waits for the lease (`--wait`).
    var lockWait: Int64
    /// A rollout (`rollout:`): how many batches, each a run of the deploy command.
    var batches = 1
    /// How long each batch but the last bakes (`rollout.bake`), on the runner's clock.
    var bake: Int64 = 0
    /// The batch goes bad during its bake: its checks fail at the bake's end.
    var failsAfterBake = false
    /// A pause step after the first batch (`[1, pause, …]` or `pause: 10m`).
    var pause: RolloutConfig.PauseStep?
    /// When a person promotes a pause (from the pause's start, runner's clock); nil: no one
    /// does, and it aborts at `pauseTimeout`.
    var promoteAfter: Int64?
    var pauseTimeout: Int64 = 0
    /// A hold by hand instead of a deploy: `gantry lock` at `startAt` from the runner's shell,
    /// and `gantry unlock` this long after (the runner's clock). Nil for a deploy.
    var holdFor: Int64?
}
