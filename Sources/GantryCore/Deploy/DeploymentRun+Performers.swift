import Foundation

/// The performers of this run, built from what it knows now (its lease's token among it),
/// and the few steps of the loop that pick what they perform on: which hosts a batch, a
/// check or a rollback covers.
extension DeploymentRun {
    var journal: RunJournal { RunJournal(store: store, id: id, clock: engine.clock, token: token) }

    var commands: CommandStep {
        CommandStep(runner: engine.runner, processes: engine.processes, observer: engine.observer, clock: engine.clock, masker: masker, journal: journal, lease: lease)
    }

    var verification: Verification {
        Verification(
            prober: engine.prober, processes: engine.processes, alerts: engine.alerts, observer: engine.observer, clock: engine.clock, timer: engine.timer,
            escalation: engine.escalation, request: request, masker: masker, journal: journal
        )
    }

    var bakes: Bake {
        Bake(prober: engine.prober, observer: engine.observer, clock: engine.clock, request: request, masker: masker, journal: journal, announcer: announcer)
    }

    var announcer: Announcer {
        Announcer(store: store, observer: engine.observer, clock: engine.clock, journal: journal, hooks: request.environment.notify, silent: request.kind == .recover)
    }

    /// Whether this deployment rolls out batch by batch.
    var isRollout: Bool { batches.count > 1 }

    /// Where a rollout is, for notifications; nil without one.
    var progress: RolloutProgress? {
        isRollout ? RolloutProgress(batch: machine.batch, batches: batches.count, hosts: batches[min(machine.batch, batches.count) - 1].map(\.name)) : nil
    }

    /// The hosts a deploy command may have changed so far: what a rollback must undo.
    var changedHosts: [TargetHost] { Array(batches.prefix(machine.changedBatches).joined()) }

    /// The hosts checks run for now: every target, or under a rollout the batches deployed
    /// so far (verifying) or changed (verifying a rollback).
    var checkedHosts: [TargetHost] {
        guard isRollout else { return request.targets }
        if case .verifyingRollback = machine.state { return changedHosts }
        return Array(batches.prefix(machine.batch).joined())
    }

    /// Attempt `attempt` of the deploy command, after waiting `delay` (a retry's backoff);
    /// under a rollout, on the current batch, journaled before its first attempt.
    mutating func deploy(attempt: Int, after delay: Duration) async throws(StoreError) -> DeploymentStateMachine.Action {
        attempts = attempt
        if delay > .zero {
            try await journal.append(JournalEvent(kind: .retryScheduled, step: Step.deploy.rawValue, attempt: attempt, message: "attempt \(attempt) in \(DurationText.format(delay))", durationMilliseconds: delay.milliseconds))
            await engine.observer.observe(.stepStarted(.deploy, detail: "retrying: attempt \(attempt) in \(DurationText.format(delay))"))
            do {
                try await engine.clock.sleep(for: delay)
            } catch {
                return machine.handle(.interrupted)
            }
        }
        guard isRollout else { return try await runCommand(step: .deploy, attempt: attempt, invocation: invocation) }
        let batch = batches[machine.batch - 1]
        if attempt == 1 {
            // Journaled before the command, so recovery knows which hosts the release may have reached.
            let progress = RolloutProgress(batch: machine.batch, batches: batches.count, hosts: batch.map(\.name))
            try await journal.append(progress.journalEvent)
            await engine.observer.observe(.stepStarted(.deploy, detail: machine.batch == 1 ? "\(progress.text) (the canary)" : progress.text))
        }
        do {
            let narrowed = try request.deployInvocation(for: id, hosts: batch)
            return try await runCommand(step: .deploy, attempt: attempt, invocation: narrowed)
        } catch {
            return machine.handle(.commandFailedToStart(masker.mask("\(error)")))
        }
    }

    /// The rollback command to `target`, on the hosts a rollout changed (or every target).
    mutating func rollBack(to target: String) async throws(StoreError) -> DeploymentStateMachine.Action {
        let rollback: CommandInvocation
        do {
            rollback = try request.rollbackInvocation(to: target, for: id, hosts: isRollout ? changedHosts : nil)
        } catch {
            return machine.handle(.commandFailedToStart("\(error)"))
        }
        return try await runCommand(step: rollbackStep, attempt: 1, invocation: rollback)
    }

    /// Runs the deploy or rollback command once and tells the state machine how it ended.
    mutating func runCommand(step: Step, attempt: Int, invocation: CommandInvocation) async throws(StoreError) -> DeploymentStateMachine.Action {
        changed = true
        let outcome = try await commands.run(step: step, attempt: attempt, invocation: invocation)
        if engine.escalation.isRaised {
            try await journal.append(JournalEvent(kind: .abandoned, message: "stopped at once by a second interruption"))
            return machine.handle(.stoppedAtOnce(changed: true))
        }
        switch outcome {
        case .failure(let error): return machine.handle(.commandFailedToStart(masker.mask(error.description)))
        case .success(let result): return machine.handle(.commandFinished(result.termination, recognized: result.recognized))
        }
    }

    /// Verifies the hosts checked now and tells the machine the verdict; a rollback that
    /// passed its verification has restored production.
    mutating func verify(step: Step, inconclusive: [AnalysisVerdict] = []) async throws(StoreError) -> DeploymentStateMachine.Action {
        let event = try await verification.verify(step: step, hosts: checkedHosts, watchAlerts: isRollout, inconclusive: inconclusive, changed: changed)
        if step == .verifyRollback, case .verified(let failures, _, _) = event, failures.isEmpty { restored = true }
        return machine.handle(event)
    }
}
