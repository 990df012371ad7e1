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
