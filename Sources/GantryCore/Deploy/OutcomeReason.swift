/// Why a deployment ends as it does, as data. The state machine decides it; its words are
/// rendered once (`text`), where the engine records and prints the outcome. Tests assert
/// the decision, not its prose, and the wording can change in one place.
package indirect enum OutcomeReason: Sendable, Hashable, CustomStringConvertible {
    /// Every batch passed its checks (`checked` of them, in the last verification).
    case deployed(release: String, kind: DeploymentRecord.Kind, batches: Int, checked: Int)
    /// The release is live already, deployed by `by`.
    case alreadyLive(release: String, by: DeploymentID)
    /// Preflight failed on these items: nothing was changed.
    case preflightFailed([String])
    case interruptedDuringPreflight
    /// The command could not start on its first attempt: nothing was changed.
    case notStarted(String)
    /// A second interruption before any command ran: nothing was changed.
    case interruptedTwiceBeforeAnyCommand
    /// A second interruption after a command started: its process group was killed and no
    /// rollback ran.
    case stoppedAtOnce(after: DeploymentFailure?, command: CommandRole)
    /// The way back worked: `hosts` were rolled back to `target` and verified.
    case rolledBack(after: DeploymentFailure?, to: String, hosts: RollbackScope)
    /// Interrupted with `on_interrupt: leave`: nothing was rolled back.
    case leftAsIs(after: DeploymentFailure)
    /// Interrupted and there is no way back.
    case noWayBack(after: DeploymentFailure, RollbackObstacle)
    /// Production may run an unverified release: `trouble` stopped the way back.
    case needsPerson(after: DeploymentFailure?, RollbackTrouble)
    /// `gantry recover` ended: what it recovered (`report`), or nothing left unfinished.
    case recovered(report: String?, environment: String)
    /// Recovering an abandoned deployment failed before this one changed anything of its own.
    case recoveryFailed(String)
    /// The engine met an event its state machine did not expect (a bug); `changed` says
    /// whether a command had started.
    case internalError(String, changed: Bool)

    /// The words of the reason, as recorded, journaled and printed.
    package var text: String {
        switch self {
        case .deployed(let release, let kind, let batches, let checked):
            let what = kind == .rollback ? "rolled back to \(release)" : "release \(release) deployed\(batches > 1 ? " in \(batches) batches" : "")"
            return checked == 0
                ? "\(what); no checks are configured, so nothing was verified"
                : "\(what) and verified (\(checked) check\(checked == 1 ? "" : "s") passed)"
        case .alreadyLive(let release, let by):
            return "release \(release) is already live (deployed by \(by)); use --force to deploy it again"
        case .preflightFailed(let failures):
            return "preflight failed: \(failures.joined(separator: "; ")); nothing was changed"
        case .interruptedDuringPreflight:
            return "interrupted during preflight; nothing was changed"
        case .notStarted(let why):
            return "\(why); nothing was changed"
        case .interruptedTwiceBeforeAnyCommand:
            return "interrupted twice before any command ran; nothing was changed"
        case .stoppedAtOnce(let failure, let command):
            let before = failure.map { "\($0.text); " } ?? ""
            return "\(before)interrupted twice: the \(command.rawValue)'s process group was killed at once and no rollback ran, so production may be partly changed; 'gantry recover' rolls it back to the last good release"
        case .rolledBack(let failure, let target, let hosts):
            return "\(Self.cause(failure)); rolled back\(hosts.text) to \(target) and verified"
        case .leftAsIs(let failure):
            return "\(failure.text); on_interrupt: leave, so production may be partly changed"
        case .noWayBack(let failure, let obstacle):
            return "\(failure.text); \(obstacle.rawValue), so production may be partly changed"
        case .needsPerson(let failure, let trouble):
            return "\(Self.cause(failure)); \(trouble.text): production may run an unverified release and needs a person"
        case .recovered(let report, let environment):
            return report ?? "nothing to recover: no deployment of \(environment) was left unfinished"
        case .recoveryFailed(let why):
            return why
        case .internalError(let what, let changed):
            let consequence = changed ? "production may be partly changed; 'gantry recover' rolls it back" : "nothing was changed"
            return "gantry met an internal error (\(what)); \(consequence)"
        }
    }

    package var description: String { text }

    private static func cause(_ failure: DeploymentFailure?) -> String { failure?.text ?? "deploy failed" }
}

/// The command a deployment runs: a deploy's, or a `gantry rollback`'s.
package enum CommandRole: String, Sendable, Hashable {
    case deploy = "deploy command"
    case rollback = "rollback command"
}

/// Where in a rollout something happened: batch `batch` of `batches` (more than one).
package struct BatchPosition: Sendable, Hashable {
    package var batch: Int
    package var batches: Int

    package init(_ batch: Int, of batches: Int) {
        self.batch = batch
        self.batches = batches
    }

    /// ` (batch 2/4)`.
    var suffix: String { " (batch \(batch)/\(batches))" }
}

/// What went wrong first: why a deployment rolls back, or stops.
package enum DeploymentFailure: Sendable, Hashable, CustomStringConvertible {
    /// The command ended badly on its last allowed attempt.
    case commandFailed(CommandRole, CommandTermination, batch: BatchPosition?, attempt: Int, of: Int)
    /// The command could not start on a later attempt or batch.
    case commandNotStarted(String, batch: BatchPosition?, attempt: Int)
    /// Interrupted while the command ran.
    case interruptedDuringCommand(CommandRole, attempt: Int)
    /// Interrupted while waiting to retry.
    case interruptedBeforeAttempt(Int, CommandRole)
    /// The release's checks failed, right after its deploy or at the end of a bake.
    case failedVerification(release: String, batch: BatchPosition?, afterBaking: Bool, failures: [String])
    /// Interrupted while verifying, baking or paused.
    case interrupted(while: Activity, release: String, batch: BatchPosition?)
    /// A paused rollout was aborted (`gantry abort`, or the pause timed out).
    case pausedThenAborted(release: String, batch: BatchPosition?, why: String)
    /// Recovery: the deployment was killed during `step`.
    case killedDuring(String)
    /// Recovery: a rollout left paused that nobody decided before its `pause_timeout`.
    case pauseExpired

    /// What a deployment was doing when it was interrupted.
    package enum Activity: Sendable, Hashable {
        case verifying, baking, paused
    }

    package var text: String {
        switch self {
        case .commandFailed(let role, let termination, let batch, let attempt, let attempts):
            let where_ = batch.map { "batch \($0.batch)/\($0.batches), " } ?? ""
            return "\(role.rawValue) \(termination) (\(where_)attempt \(attempt) of \(attempts))"
        case .commandNotStarted(let why, let batch, let attempt):
            let where_ = batch.map { "batch \($0.batch)/\($0.batches), " } ?? ""
            return "\(why) (\(where_)attempt \(attempt))"
        case .interruptedDuringCommand(let role, let attempt):
            return "interrupted while the \(role.rawValue) ran (attempt \(attempt))"
        case .interruptedBeforeAttempt(let attempt, let role):
            return "interrupted before attempt \(attempt) of the \(role.rawValue)"
        case .failedVerification(let release, let batch, let afterBaking, let failures):
            return "release \(release) failed verification\(afterBaking ? " after baking" : "")\(batch?.suffix ?? ""): \(failures.joined(separator: "; "))"
        case .interrupted(let activity, let release, let batch):
            let suffix = batch?.suffix ?? ""
            switch activity {
            case .verifying: return "interrupted while verifying release \(release)\(suffix)"
            case .baking: return "interrupted while baking release \(release)\(suffix)"
            case .paused: return "interrupted while release \(release) was paused\(suffix)"
            }
        case .pausedThenAborted(let release, let batch, let why):
            return "release \(release)\(batch?.suffix ?? "") was paused and then \(why)"
        case .killedDuring(let step):
            return "killed during \(step)"
        case .pauseExpired:
            return "its rollout was paused and nobody promoted or aborted it before its pause_timeout"
        }
    }

    package var description: String { text }
}

/// Which hosts a rollback restored.
package enum RollbackScope: Sendable, Hashable {
    /// Every target.
    case all
    /// The hosts of batches 1 through `n` of a rollout.
    case batches(Int)
    /// Recovery of a rollout: the hosts of the batches it had started, by name.
    case reached([String])

    var text: String {
        switch self {
        case .all: ""
        case .batches(let count): " the hosts of batch\(count == 1 ? " 1" : "es 1-\(count)")"
        case .reached(let hosts): " only \(hosts.joined(separator: ", ")) (the hosts of the batches it started)"
        }
    }
}

/// Why there is no way back after a failure.
package enum RollbackObstacle: String, Sendable, Hashable {
    case rollbackOfARollback = "there is nothing to fall back on from a rollback"
    case noRollbackCommand = "no rollback command is configured"
    case noLastGood = "there is no last good release to roll back to"
}

/// What stopped the way back, so a person must look.
package enum RollbackTrouble: Sendable, Hashable {
    case obstacle(RollbackObstacle)
    /// The rollback command ended badly.
    case rollbackEnded(to: String, CommandTermination)
    case rollbackNotStarted(to: String, why: String)
    /// The rollback ran, and its verification failed.
    case rollbackUnverified(to: String, failures: [String])
    case interruptedVerifyingRollback(to: String)

    var text: String {
        switch self {
        case .obstacle(let obstacle): obstacle.rawValue
        case .rollbackEnded(let target, let termination): "the rollback to \(target) \(termination)"
        case .rollbackNotStarted(let target, let why): "the rollback to \(target) could not start: \(why)"
        case .rollbackUnverified(let target, let failures): "rolled back to \(target), but its verification failed: \(failures.joined(separator: "; "))"
        case .interruptedVerifyingRollback(let target): "interrupted while verifying the rollback to \(target)"
        }
    }
}

/// Why a rollout pauses: `why` its analyses or alerts could not decide, after `batch`.
package struct PauseReason: Sendable, Hashable, CustomStringConvertible {
    package var release: String
    package var batch: BatchPosition?
    package var why: String

    package init(release: String, batch: BatchPosition?, why: String) {
        self.release = release
        self.batch = batch
        self.why = why
    }

    package var text: String { "release \(release)\(batch?.suffix ?? ""): \(why)" }
    package var description: String { text }
}
