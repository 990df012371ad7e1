import Foundation

/// The mutable part of one engine run. Its recovery of abandoned deployments lives in
/// `Recovery/AbandonedRecovery.swift`.
struct DeploymentRun {
    let engine: DeploymentEngine
    var request: DeploymentRequest
    let id: DeploymentID
    let masker: SecretMasker
    var invocation: CommandInvocation
    let startedAt: Date
    var machine: DeploymentStateMachine
    var token: FencingToken?
    var previous: String?
    var attempts = 0
    let pendingNotes = NoteBuffer()
    var recoveryReport: String?
    /// The lease's link to the guards of the commands this deployment runs.
    var watch: LeaseWatch?
    /// When the lease was taken, on the machine's boot-time clock.
    var acquiredAt: UInt64 = 0
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
    let batches: [[TargetHost]]
    /// This deployment's record once it is stored: what notifications describe.
    var record: DeploymentRecord?

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

    mutating func perform() async throws(StoreError) -> DeploymentSummary {
        if let paused = request.resume { return try await carryOn(paused) }
        if let refusal = request.refusal {
            _ = machine.handle(.refused(refusal))
            await engine.observer.observe(.stepFinished(refusal.code == .runnerUnfit ? .runner : .lock, .failed, elapsed: .zero, detail: refusal.text))
            return try await recordRefusal(reason: "\(refusal); nothing was changed", code: refusal.code)
        }
        if request.kind == .deploy, let refusal = try await protection() {
            if let override = request.override {
                pendingNotes.append("override of a refusal (\(refusal)) by \(request.origin.actor ?? request.origin.host): \(override)")
            } else {
                _ = machine.handle(.refused(refusal))
                await engine.observer.observe(.stepFinished(.lock, .failed, elapsed: .zero, detail: refusal.text))
                return try await recordRefusal(reason: "\(refusal); nothing was changed (--override --reason TEXT deploys anyway)", code: refusal.code)
            }
        }
        let lockStart = engine.clock.now()
        await engine.observer.observe(.stepStarted(.lock, detail: "taking the \(environment) lease"))
        let lease: Lease
        switch try await acquireLock() {
        case .acquired(let acquired, let sentAt):
            lease = acquired
            acquiredAt = engine.clock.monotonicNanoseconds()
            watch = LeaseWatch(sentAt: sentAt)
        case .refused(let refusal):
            _ = machine.handle(.refused(refusal))
            await engine.observer.observe(.stepFinished(.lock, .failed, elapsed: elapsed(since: lockStart), detail: refusal.text))
            return try await recordRefusal(reason: refusal.text, code: refusal.code)
        }
        token = lease.token
        await engine.observer.observe(.stepFinished(.lock, .ok, elapsed: elapsed(since: lockStart), detail: "lease \(lease.token) taken"))
        let renewer = LeaseRenewer.start(store: store, environment: environment, token: lease.token, lease: request.environment.lease, clock: engine.clock, timer: engine.timer, watch: watch)
        defer { renewer.cancel() }
        do {
            if request.rollsBackToPrevious { try await chooseRollbackTarget() }
            let started = DeploymentRecord(
                id: id, environment: environment, release: request.release.value, kind: request.kind, startedAt: startedAt,
                origin: request.origin, forced: request.force
            )
            try await store.beginDeployment(started, token: token)
            record = started
            try await journal(JournalEvent(kind: .deploymentStarted, message: request.force ? "forced" : nil, release: request.release.value))
            await announce(.started)
            if let failure = try await recoverAbandoned() {
                let summary = try await finish(.failed, reason: .recoveryFailed(failure), promote: false, code: .rollbackFailed)
                try? await release()
                return summary
            }
            if request.kind == .recover {
                let summary = try await finish(.succeeded, reason: .recovered(report: recoveryReport, environment: environment), promote: false)
                try? await release()
                return summary
            }
            let summary = try await drive(from: machine.handle(.lockAcquired))
            return try await settleLease(after: summary, renewer: renewer)
        } catch {
            try? await release()
            throw error
        }
    }

    mutating func drive(from first: DeploymentStateMachine.Action) async throws(StoreError) -> DeploymentSummary {
        var action = first
        while true {
            if engine.escalation.isRaised, action.startsWork {
                action = machine.handle(.stoppedAtOnce(changed: changed))
                if case .finish = action { try await journal(JournalEvent(kind: .abandoned, message: "stopped at once by a second interruption")) }
                continue
            }
            switch action {
            case .readState:
                action = try await decide()
            case .runDeploy(let attempt, let delay):
                attempts = attempt
                if delay > .zero {
                    try await journal(JournalEvent(kind: .retryScheduled, step: Step.deploy.rawValue, attempt: attempt, message: "attempt \(attempt) in \(DurationText.format(delay))", durationMilliseconds: delay.milliseconds))
                    await engine.observer.observe(.stepStarted(.deploy, detail: "retrying: attempt \(attempt) in \(DurationText.format(delay))"))
                    do {
                        try await engine.clock.sleep(for: delay)
                    } catch {
                        action = machine.handle(.interrupted)
                        continue
                    }
                }
                guard isRollout else {
                    action = try await runCommand(step: .deploy, attempt: attempt, invocation: invocation)
                    continue
                }
                let batch = batches[machine.batch - 1]
                if attempt == 1 { try await announceBatch(machine.batch, hosts: batch) }
                do {
                    let narrowed = try request.deployInvocation(for: id, hosts: batch)
                    action = try await runCommand(step: .deploy, attempt: attempt, invocation: narrowed)
                } catch {
                    action = machine.handle(.commandFailedToStart(masker.mask("\(error)")))
                }
            case .verify:
                action = try await verify(step: machine.verificationStep)
            case .bake(let duration):
                action = try await bake(for: duration)
            case .pause(let reason, let timeout):
                if request.environment.rollout?.onPause == .exit { return try await leavePaused(reason: reason.text, timeout: timeout) }
                action = try await pause(reason: reason.text, timeout: timeout)
            case .preflight:
                action = try await preflight()
            case .runRollback(let target):
                let rollback: CommandInvocation
                do {
                    rollback = try request.rollbackInvocation(to: target, for: id, hosts: isRollout ? changedHosts : nil)
                } catch {
                    action = machine.handle(.commandFailedToStart("\(error)"))
                    continue
                }
                action = try await runCommand(step: .rollback, attempt: 1, invocation: rollback)
            case .finish(let outcome, let reason, let promote):
                return try await finish(outcome, reason: reason, promote: promote, code: machine.reasonCode)
            case .refuse(let refusal):
                return try await recordRefusal(reason: refusal.text, code: refusal.code)
            case .none:
                throw StoreError(.notFound, "deployment \(id) reached no decision")
            case .unexpected(let what):
                // A bug: loud in debug builds; in release the journal keeps it and the
                // deployment ends saying whether production may have changed.
                assertionFailure(what)
                try await journal(JournalEvent(kind: .note, message: masker.mask("internal error: \(what)")))
                return try await finish(changed ? .failed : .refused, reason: .internalError(what, changed: changed), promote: false, code: .internalError)
            }
        }
    }

    /// Whether this deployment rolls out batch by batch.
    var isRollout: Bool { batches.count > 1 }

    /// The hosts a deploy command may have changed so far: what a rollback must undo.
    var changedHosts: [TargetHost] { Array(batches.prefix(machine.changedBatches).joined()) }

    /// The hosts checks run for now: every target, or under a rollout the batches deployed
    /// so far (verifying) or changed (verifying a rollback).
    var checkedHosts: [TargetHost] {
        guard isRollout else { return request.targets }
        if case .verifyingRollback = machine.state { return changedHosts }
        return Array(batches.prefix(machine.batch).joined())
    }

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
        try await journal(JournalEvent(kind: .decision, message: detail))
        await engine.observer.observe(.stepFinished(.decide, skipped ? .skipped : .ok, elapsed: elapsed(since: decideStart), detail: detail))
        return action
    }

    func elapsed(since start: Date) -> Duration {
        .milliseconds(Int64((engine.clock.now().timeIntervalSince(start) * 1000).rounded()))
    }

}

extension DeploymentStateMachine.Action {
    /// Whether performing the action starts work a second interruption must not start.
    var startsWork: Bool {
        switch self {
        case .preflight, .runDeploy, .verify, .bake, .pause, .runRollback: true
        case .readState, .finish, .refuse, .none, .unexpected: false
        }
    }
}
