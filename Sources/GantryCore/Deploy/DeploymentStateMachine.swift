/// The decisions of one deployment, as a value: events in, actions out, no I/O.
///
/// The engine performs each action and feeds back what happened. Keeping the decisions here
/// means every branch (skip, success, failure, timeout, interruption) is unit-tested without
/// processes or databases, and the engine stays a loop that does what it is told.
public struct DeploymentStateMachine: Sendable {
    public enum State: Sendable, Hashable {
        case waitingForLock
        case deciding
        case deploying(attempt: Int)
        case verifying
        case finishing(Outcome)
        case finished(Outcome)
    }

    public enum Event: Sendable, Hashable {
        case lockAcquired
        case lockHeld(Lease)
        /// What the store says the environment runs and how its last real deployment ended.
        case stateRead(EnvironmentState, lastDeployment: DeploymentRecord?)
        case commandFinished(CommandTermination)
        case commandFailedToStart(String)
        /// Verification ended; `failures` names the failing checks (empty: all passed).
        case verified(failures: [String], checked: Int)
        case finished
    }

    public enum Action: Sendable, Hashable {
        /// Record a deployment that changes nothing and ends with `outcome`.
        case refuse(reason: String)
        /// Read the environment's state, then send `stateRead`.
        case readState
        case runDeploy(attempt: Int)
        /// Run the environment's checks, then send `verified`.
        case verify
        /// Record the outcome; with `promote`, the release becomes current and last good.
        case finish(Outcome, reason: String, promote: Bool)
        case none
    }

    public let release: String
    public let force: Bool
    public private(set) var state: State = .waitingForLock

    public init(release: String, force: Bool) {
        self.release = release
        self.force = force
    }

    public mutating func handle(_ event: Event) -> Action {
        switch (state, event) {
        case (.waitingForLock, .lockAcquired):
            state = .deciding
            return .readState
        case (.waitingForLock, .lockHeld(let lease)):
            state = .finished(.refused)
            var holder = lease.owner.summary
            if let id = lease.deploymentID { holder += ", deployment \(id)" }
            if let reason = lease.reason { holder += ": \(reason)" }
            return .refuse(reason: "\(lease.environment) is locked by \(holder)")
        case (.deciding, .stateRead(let environment, let last)):
            if let reason = skipReason(environment, last) {
                state = .finishing(.skipped)
                return .finish(.skipped, reason: reason, promote: false)
            }
            state = .deploying(attempt: 1)
            return .runDeploy(attempt: 1)
        case (.deploying(let attempt), .commandFinished(let termination)):
            switch termination {
            case .exited(0):
                state = .verifying
                return .verify
            case .cancelled:
                state = .finishing(.interrupted)
                return .finish(.interrupted, reason: "interrupted while the deploy command ran (attempt \(attempt)); production may be partly changed", promote: false)
            default:
                state = .finishing(.failed)
                return .finish(
                    .failed,
                    reason: "deploy command \(termination) (attempt \(attempt)); production may be partly changed and no rollback ran",
                    promote: false
                )
            }
        case (.deploying, .commandFailedToStart(let why)):
            state = .finishing(.refused)
            return .finish(.refused, reason: "\(why); nothing was changed", promote: false)
        case (.verifying, .verified(let failures, let checked)):
            if failures.isEmpty {
                state = .finishing(.succeeded)
                let reason = checked == 0
                    ? "release \(release) deployed; no checks are configured, so nothing was verified"
                    : "release \(release) deployed and verified (\(checked) check\(checked == 1 ? "" : "s") passed)"
                return .finish(.succeeded, reason: reason, promote: true)
            }
            state = .finishing(.failed)
            return .finish(
                .failed,
                reason: "release \(release) deployed but failed verification: \(failures.joined(separator: "; ")); no rollback ran, production runs an unverified release",
                promote: false
            )
        case (.verifying, .commandFinished(.cancelled)):
            state = .finishing(.interrupted)
            return .finish(.interrupted, reason: "interrupted during verification; production runs an unverified release", promote: false)
        case (.finishing(let outcome), .finished):
            state = .finished(outcome)
            return .none
        default:
            return .none
        }
    }

    /// Why this deployment need not run, or nil when it must.
    func skipReason(_ environment: EnvironmentState, _ last: DeploymentRecord?) -> String? {
        guard !force, environment.current == release else { return nil }
        guard let last, last.release == release, last.outcome == .succeeded else { return nil }
        return "release \(release) is already live (deployed by \(last.id)); use --force to deploy it again"
    }

    public var outcome: Outcome? {
        if case .finished(let outcome) = state { return outcome }
        return nil
    }
}
