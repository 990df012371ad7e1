import Foundation

/// One engine run: the state machine and the loop that performs its actions. The loop only
/// performs: each action goes to one performer (`LeaseSession`, `CommandStep`,
/// `Verification`, `Bake`, `Announcer`), and what the performer saw goes back to the machine
/// as an event. How the run starts and ends under its lease is in `DeploymentRun+Lease.swift`,
/// what it records in `+Record`, recovery of abandoned deployments in
/// `Recovery/AbandonedRecovery.swift`.
struct DeploymentRun {
    let engine: DeploymentEngine
    var request: DeploymentRequest
    let id: DeploymentID
    let masker: SecretMasker
    var invocation: CommandInvocation
    let startedAt: Date
    var machine: DeploymentStateMachine
    /// The lease once it is taken.
    var lease: LeaseSession?
    var previous: String?
    var attempts = 0
    let pendingNotes = NoteBuffer()
    var recoveryReport: String?
    /// A deploy or rollback command has started: production may have changed.
    var changed = false
    /// A rollback after a change passed verification.
    var restored = false
    /// The newest deployment that ran before this one, when recovery read it and changed
    /// nothing since (`.some(nil)`: there is none).
    var lastEffective: DeploymentRecord??
    /// Deployments this run recovered (they are not restored a second time).
    var recovered: Set<DeploymentID> = []
    /// The targets in deploy order: several batches under `rollout:`, else one.
    var batches: [[TargetHost]]
    /// What the rollback command is journaled as: `recover` when recovery drives this loop
    /// for a dead deployment (`AbandonedRecovery`).
    var rollbackStep: Step = .rollback
    /// This deployment's record once it is stored: what notifications describe.
    var record: DeploymentRecord?
    /// A gate skipped by hand (`--skip-promotion`): what is announced as `break_glass`.
    var brokeGlass: String?

    init(engine: DeploymentEngine, prepared: PreparedDeployment) {
        self.engine = engine
        request = prepared.request
        id = prepared.id
        masker = prepared.request.masker
        invocation = prepared.invocation
        startedAt = prepared.startedAt
        batches = request.batches
        machine = DeploymentStateMachine(release: request.release.value, force: request.force, policy: request.policy)
    }

    var store: any StateStore { engine.store }
    var environment: String { request.environment.name }
    var token: FencingToken? { lease?.token }

    /// How the loop ended: what is recorded, and for whom, is the caller's (this deployment's
    /// outcome, or a dead deployment's that recovery rolled back).
    enum Ending {
        case decided(Outcome, OutcomeReason, promote: Bool, code: ReasonCode?)
        case refused(Refusal)
        /// `on_pause: exit`: the rollout is left paused; the outcome's reason.
        case leftPaused(String)
    }

    /// Performs the machine's actions from `first` until it decides an outcome, refuses, or
    /// pauses with `on_pause: exit`.
    mutating func drive(from first: DeploymentStateMachine.Action) async throws(StoreError) -> Ending {
        var action = first
        while true {
            if engine.escalation.isRaised, action.startsWork {
                action = machine.handle(.stoppedAtOnce(changed: changed))
                if case .finish = action { try await journal.append(JournalEvent(kind: .abandoned, message: "stopped at once by a second interruption")) }
                continue
            }
            switch action {
            case .readState:
                action = try await decide()
            case .preflight:
                action = machine.handle(try await verification.preflight(lastGood: machine.lastGood))
            case .runDeploy(let attempt, let delay):
                action = try await deploy(attempt: attempt, after: delay)
            case .verify:
                action = try await verify(step: machine.verificationStep)
            case .bake(let duration):
                switch try await bakes.bake(for: duration, hosts: checkedHosts, label: "batch \(machine.batch)/\(batches.count)") {
                case .judged(let event): action = machine.handle(event)
                case .checkAgain(let inconclusive): action = try await verify(step: .verify, inconclusive: inconclusive)
                }
            case .pause(let reason, let timeout) where request.environment.rollout?.onPause == .exit && !reason.timed:
                let text = try await bakes.leavePaused(reason: reason.text, timeout: timeout, record: record, batch: progress)
                machine.detach()
                return .leftPaused(text)
            case .pause(let reason, let timeout):
                action = machine.handle(try await bakes.pause(reason: reason.text, timeout: timeout, timed: reason.timed, record: record, batch: progress))
            case .runRollback(let target):
                action = try await rollBack(to: target)
            case .finish(let outcome, let reason, let promote):
                return .decided(outcome, reason, promote: promote, code: machine.reasonCode)
            case .refuse(let refusal):
                return .refused(refusal)
            case .none:
                throw StoreError(.notFound, "deployment \(id) reached no decision")
            case .unexpected(let what):
                // A bug: loud in debug builds; in release the journal keeps it and the
                // deployment ends saying whether production may have changed.
                assertionFailure(what)
                try await journal.append(JournalEvent(kind: .note, message: masker.mask("internal error: \(what)")))
                return .decided(changed ? .failed : .refused, .internalError(what, changed: changed), promote: false, code: .internalError)
            }
        }
    }

    /// Reads what the environment runs and lets the machine decide whether there is anything
    /// to do.
    mutating func decide() async throws(StoreError) -> DeploymentStateMachine.Action {
        let decideStart = engine.clock.now()
        await engine.observer.observe(.stepStarted(.decide, detail: "is \(request.release) already live?"))
        let state = try await store.environmentState(environment)
        let last: DeploymentRecord?
        if let known = lastEffective {
            last = known
        } else {
            last = try await store.lastEffectiveDeployment(environment: environment, excluding: id)
        }
        previous = state.current
        let action = machine.handle(.stateRead(state, lastDeployment: last))
        let detail: String
        let skipped: Bool
        if case .finish(.skipped, let reason, _) = action {
            detail = reason.text
            skipped = true
        } else {
            let verb = request.kind == .rollback ? "rolling back to" : "deploying"
            detail = state.current.map { "\(environment) runs \($0); \(verb) \(request.release)" } ?? "first deployment of \(environment)"
            skipped = false
        }
        try await journal.append(JournalEvent(kind: .decision, message: detail))
        await engine.observer.observe(.stepFinished(.decide, skipped ? .skipped : .ok, elapsed: engine.clock.elapsed(since: decideStart), detail: detail))
        return action
    }
}

extension DeploymentStateMachine.Action {
    /// Whether performing the action starts work a second interruption must not start.
    package var startsWork: Bool {
        switch self {
        case .preflight, .runDeploy, .verify, .bake, .pause, .runRollback: true
        case .readState, .finish, .refuse, .none, .unexpected: false
        }
    }
}
