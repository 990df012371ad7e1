/// The decisions of one deployment, as a value: events in, actions out, no I/O.
///
/// The engine performs each action and feeds back what happened. Keeping the decisions here
/// means every branch (skip, retry, verification, rollback, interruption) is unit-tested
/// without processes or databases, and the engine stays a loop that does what it is told.
///
/// The invariant it keeps: only a release that passed verification is promoted to current.
package struct DeploymentStateMachine: Sendable {
    /// Where a deployment is; each state's handler below documents what it can move to.
    package enum State: Sendable, Hashable {
        case waitingForLock
        case deciding
        case preflight
        case deploying(attempt: Int)
        case verifying
        /// A batch passed its checks; the next waits out `rollout.bake`, then checks again.
        case baking
        /// An analysis was inconclusive: waiting for `gantry promote` or `gantry abort`.
        case paused
        case rollingBack(to: String)
        case verifyingRollback(to: String)
        case finishing(Outcome)
        case finished(Outcome)
    }

    package enum Event: Sendable, Hashable {
        case lockAcquired
        /// The deployment may not start: the lock could not be had (held by hand, a rollout
        /// left paused, the wait ran out, superseded, interrupted while waiting), a protection
        /// refused it, or the runner is unfit. The refusal's code is the outcome's.
        case refused(Refusal)
        /// What the store says the environment runs and how its last real deployment ended.
        case stateRead(EnvironmentState, lastDeployment: DeploymentRecord?)
        /// Preflight ended; `failures` lists what failed (empty: go), `code` says why.
        case preflightDone(failures: [String], code: ReasonCode? = nil)
        /// A command ended; `recognized` is what its output showed (`disk_full`, …), if anything.
        case commandFinished(CommandTermination, recognized: ReasonCode? = nil)
        case commandFailedToStart(String)
        /// Verification ended; `failures` names the failing checks (empty: all passed), `code`
        /// says why they failed (`ReasonCode.checks`).
        case verified(failures: [String], checked: Int, code: ReasonCode? = nil)
        /// The deployment was interrupted outside a command (while waiting or verifying).
        case interrupted
        /// A second interruption: stop everything now, start nothing new. `changed` says
        /// whether a deploy or rollback command had started.
        case stoppedAtOnce(changed: Bool)
        case finished
        /// The bake's analyses were inconclusive (no data, errors within their limit).
        case inconclusive(String, checked: Int)
        /// `gantry promote`: the paused rollout goes on with its next batch; with `full`
        /// (`--full`), without the remaining pause steps and bakes.
        case promoted(String, full: Bool = false)
        /// `gantry abort`, or the pause timed out: the rollout rolls back.
        case aborted(String, ReasonCode)
    }

    package enum Action: Sendable, Hashable {
        /// Record a deployment that changes nothing and ends `refused`.
        case refuse(Refusal)
        /// Read the environment's state, then send `stateRead`.
        case readState
        /// Run preflight, then send `preflightDone`.
        case preflight
        /// Run the command of this deployment (the deploy command, or the rollback command of
        /// a `gantry rollback`), after waiting `after`.
        case runDeploy(attempt: Int, after: Duration)
        /// Run the environment's checks, then send `verified`.
        case verify
        /// Wait `for`, watching the batch just checked, then check it again and send `verified`
        /// (or `inconclusive`).
        case bake(for: Duration)
        /// Journal the pause, then wait up to `timeout` for `promoted` or `aborted`.
        case pause(PauseReason, timeout: Duration)
        /// Run the rollback command for `to`, the last good release.
        case runRollback(to: String)
        /// Record the outcome; with `promote`, the release becomes current and last good.
        case finish(Outcome, reason: OutcomeReason, promote: Bool)
        /// Nothing to do: the event was expected and needs no action.
        case none
        /// The event is not one this state expects (a bug in the caller): nothing changed.
        case unexpected(String)
    }

    /// What the configuration allows this deployment to do.
    package struct Policy: Sendable, Hashable {
        package var retry: RetryPolicy
        /// A rollback command is configured.
        var canRollBack: Bool
        var rollbackOnInterrupt: Bool
        /// `.rollback` for `gantry rollback`: its command is the rollback command, and a failure
        /// has nothing further to fall back on.
        package var kind: DeploymentRecord.Kind
        /// How many batches the rollout has (1 without `rollout:`).
        package var batches: Int
        /// How long each batch but the last bakes after it passed its checks.
        package var bake: Duration
        /// How long a pause waits for a decision before it aborts.
        package var pauseTimeout: Duration
        /// The rollout's pause steps, by the batch (from 1) they follow.
        package var pauses: [Int: RolloutConfig.PauseStep]

        package init(
            retry: RetryPolicy = .none, canRollBack: Bool = false, rollbackOnInterrupt: Bool = true, kind: DeploymentRecord.Kind = .deploy,
            batches: Int = 1, bake: Duration = .zero, pauseTimeout: Duration = RolloutConfig.defaultPauseTimeout,
            pauses: [Int: RolloutConfig.PauseStep] = [:]
        ) {
            self.pauses = pauses
            self.pauseTimeout = pauseTimeout
            self.batches = max(1, batches)
            self.bake = bake
            self.retry = retry
            self.canRollBack = canRollBack
            self.rollbackOnInterrupt = rollbackOnInterrupt
            self.kind = kind
        }
    }

    package let release: String
    let force: Bool
    let policy: Policy
    /// Draws the jitter of retry waits; injected so tests are repeatable.
    var random: @Sendable () -> Double
    package internal(set) var state: State = .waitingForLock
    /// The release to fall back to, read from the store.
    package internal(set) var lastGood: String?
    /// Why the deployment is being rolled back.
    var failure: DeploymentFailure?
    /// The code of the first failure: what went wrong before any rollback.
    package internal(set) var causeCode: ReasonCode?
    /// The code of the outcome, when it is not a success: the cause, or what then stopped
    /// the way back (`rollback_failed`, `no_rollback_path`).
    package internal(set) var reasonCode: ReasonCode?
    var interrupted = false
    var rollbackTarget: String?
    /// The batch being deployed or checked, from 1.
    package internal(set) var batch = 1
    /// How many batches' hosts a deploy command may have changed: what a rollback must undo.
    var changedBatches = 0
    /// How many checks the last verification ran: what a promote after a pause reports.
    var lastChecked = 0
    /// The pause came before the batch's bake (an alert right after its checks).
    var pausedBeforeBake = false
    /// The last batch whose pause step is behind it: held there, or promoted past any pause.
    var pauseStepTaken = 0
    /// `gantry promote --full`: the remaining pause steps and bakes are skipped; every batch
    /// is still checked.
    package internal(set) var skipsWaits = false
    /// A recovery's rollback: the hosts of the batches the dead rollout had started, the
    /// only ones rolled back (nil: every target, or the batches this deployment changed).
    var recoveredScope: RollbackScope?
    /// A recovery's rollback (`recovering`): stopped at once, it has restored nothing.
    var recovering = false
    /// `retry.on_retry: rollback`: the attempt that runs once the rollback in progress has
    /// been verified (nil: the rollback is the way back, not a step between attempts).
    var retryAfterRollback: Int?

    package init(release: String, force: Bool, policy: Policy = Policy(), random: @escaping @Sendable () -> Double = { Double.random(in: 0..<1) }) {
        self.release = release
        self.force = force
        self.policy = policy
        self.random = random
    }

    /// A machine for the rollback that recovery runs for `release`, a deployment that died
    /// during `step` while it may have been changing hosts. It starts at `rollingBack(to:)`,
    /// so the rollback, its verification and the outcome follow a deployment's own rules:
    /// verified, it ends `interrupted` (`rolled_back` with `pause_timeout` for a rollout left
    /// paused past its timeout); a rollback that fails, or is not verified, ends `failed`
    /// (`rollback_failed`): production needs a person. `reached` names the hosts of a
    /// rollout's started batches, the only ones rolled back.
    package static func recovering(release: String, killedDuring step: String, to target: String, reached: [String]?, pauseExpired: Bool) -> DeploymentStateMachine {
        var machine = DeploymentStateMachine(release: release, force: false, policy: Policy(canRollBack: true))
        machine.state = .rollingBack(to: target)
        machine.rollbackTarget = target
        machine.lastGood = target
        machine.recoveredScope = reached.map(RollbackScope.reached)
        machine.recovering = true
        if pauseExpired {
            machine.failure = .pauseExpired
            machine.causeCode = .pauseTimeout
        } else {
            machine.failure = .killedDuring(step)
            machine.causeCode = .interrupted
            machine.interrupted = true
        }
        return machine
    }

    var command: CommandRole { policy.kind == .rollback ? .rollback : .deploy }

    /// The one entry point: each state decides on the events it expects and names every
    /// other event as unexpected (no `default:`), so a new event or state cannot slip through
    /// unhandled. An unexpected event changes nothing and comes back as `.unexpected`, which
    /// the engine asserts on in debug builds and journals in release ones.
    package mutating func handle(_ event: Event) -> Action {
        if case .stoppedAtOnce(let changed) = event { return stopAtOnce(changed: changed) }
        switch state {
        case .waitingForLock: return waitingForLock(event)
        case .deciding: return deciding(event)
        case .preflight: return preflight(event)
        case .deploying(let attempt): return deploying(attempt: attempt, event)
        case .verifying: return verifying(event)
        case .baking: return baking(event)
        case .paused: return paused(event)
        case .rollingBack(let target): return rollingBack(to: target, event)
        case .verifyingRollback(let target): return verifyingRollback(to: target, event)
        case .finishing(let outcome):
            switch event {
            case .finished:
                state = .finished(outcome)
                return .none
            case .lockAcquired, .refused, .stateRead, .preflightDone, .commandFinished, .commandFailedToStart, .verified, .interrupted, .stoppedAtOnce, .inconclusive, .promoted, .aborted:
                return unexpected(event)
            }
        case .finished:
            return unexpected(event)
        }
    }

    /// Waiting for the lease: to `deciding` once it is held; to `finished(refused)` when the
    /// deployment may not start, or the wait is interrupted.
    private mutating func waitingForLock(_ event: Event) -> Action {
        switch event {
        case .lockAcquired:
            state = .deciding
            return .readState
        case .refused(let refusal):
            state = .finished(.refused)
            reasonCode = refusal.code
            return .refuse(refusal)
        case .interrupted:
            state = .finished(.refused)
            reasonCode = .interrupted
            return .refuse(Refusal(.interrupted, "interrupted while waiting for the lock; nothing was changed"))
        case .stateRead, .preflightDone, .commandFinished, .commandFailedToStart, .verified, .stoppedAtOnce, .finished, .inconclusive, .promoted, .aborted:
            return unexpected(event)
        }
    }

    /// Reading what production runs: to `finishing(skipped)` when the release is live, else
    /// to `preflight`: a deploy's, and a rollback's too (a listed secret unset must refuse a
    /// rollback as it refuses a deploy), except a forced rollback, which goes straight to
    /// `deploying`: an incident may need the way back whatever preflight would say.
    private mutating func deciding(_ event: Event) -> Action {
        switch event {
        case .stateRead(let environment, let last):
            lastGood = environment.lastGood
            if let reason = skipReason(environment, last) {
                state = .finishing(.skipped)
                return .finish(.skipped, reason: reason, promote: false)
            }
            if policy.kind == .deploy || !force {
                state = .preflight
                return .preflight
            }
            state = .deploying(attempt: 1)
            return .runDeploy(attempt: 1, after: .zero)
        case .lockAcquired, .refused, .preflightDone, .commandFinished, .commandFailedToStart, .verified, .interrupted, .stoppedAtOnce, .finished, .inconclusive, .promoted, .aborted:
            return unexpected(event)
        }
    }

    /// Preflight: to `deploying(1)` when it passed, to `finishing(refused)` when it failed or
    /// was interrupted (nothing has changed yet).
    private mutating func preflight(_ event: Event) -> Action {
        switch event {
        case .preflightDone(let failures, let code):
            if failures.isEmpty {
                state = .deploying(attempt: 1)
                return .runDeploy(attempt: 1, after: .zero)
            }
            state = .finishing(.refused)
            reasonCode = code ?? .commandNotStarted
            return .finish(.refused, reason: .preflightFailed(failures), promote: false)
        case .interrupted:
            state = .finishing(.refused)
            reasonCode = .interrupted
            return .finish(.refused, reason: .interruptedDuringPreflight, promote: false)
        case .lockAcquired, .refused, .stateRead, .commandFinished, .commandFailedToStart, .verified, .stoppedAtOnce, .finished, .inconclusive, .promoted, .aborted:
            return unexpected(event)
        }
    }

    /// An event this state does not expect: nothing changes.
    func unexpected(_ event: Event) -> Action {
        .unexpected("\(event) is not expected while \(state)")
    }

    /// Why this deployment need not run, or nil when it must.
    func skipReason(_ environment: EnvironmentState, _ last: DeploymentRecord?) -> OutcomeReason? {
        guard !force, environment.current == release else { return nil }
        guard let last, last.release == release, last.outcome == .succeeded else { return nil }
        return .alreadyLive(release: release, by: last.id)
    }

    package var outcome: Outcome? {
        if case .finished(let outcome) = state { return outcome }
        return nil
    }

    /// The release a rollback was started for, if one was.
    package var rolledBackTo: String? {
        switch state {
        case .rollingBack(let target), .verifyingRollback(let target): return target
        default: return rollbackTarget
        }
    }

    /// The step the current verification belongs to.
    package var verificationStep: Step {
        if case .verifyingRollback = state { return .verifyRollback }
        return .verify
    }
}
