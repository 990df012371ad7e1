/// One deploy of the workload: which runner runs it, for which environment, when it starts,
/// and what its command does.
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
}
