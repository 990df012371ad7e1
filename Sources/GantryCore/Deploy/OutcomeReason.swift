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
