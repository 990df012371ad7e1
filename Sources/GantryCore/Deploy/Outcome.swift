/// How a deployment ended. Every run of `gantry deploy` ends in exactly one of these.
package enum Outcome: String, Sendable, Hashable, Codable, CaseIterable {
    /// The new release runs and is recorded as current and last good.
    case succeeded
    /// The release was already live; nothing ran.
    case skipped
    /// The deploy failed and production was put back on the last good release.
    case rolledBack = "rolled_back"
    /// The deploy failed and production was not restored: a person is needed.
    case failed
    /// A signal stopped the deployment.
    case interrupted
    /// Gantry refused before changing anything (lock held, command could not start, …).
    case refused
    /// A rollout paused for a person (`rollout.on_pause: exit`) and this process left it
    /// waiting, its lease held until `pause_timeout`: `gantry promote` or `gantry abort`
    /// finishes it. Never recorded as a deployment's outcome: the deployment is unfinished.
    case paused

    /// The process exit code docs/reference.md (Exit codes) fixes for this outcome.
    /// `interrupted` depends on the signal (130 for SIGINT, 143 for SIGTERM); see
    /// `ExitStatus.interrupted(by:)`.
    package var exitCode: Int32 {
        switch self {
        case .succeeded, .skipped: 0
        case .rolledBack: 1
        case .refused: 3
        case .failed: 4
        case .paused: 5
        case .interrupted: 130
        }
    }

    /// Outcomes that say something about what production runs (as opposed to `skipped` and
    /// `refused`, which changed nothing).
    var changedProduction: Bool {
        switch self {
        case .succeeded, .rolledBack, .failed, .interrupted, .paused: true
        case .skipped, .refused: false
        }
    }
}
