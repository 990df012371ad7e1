import Foundation

/// Running the deploy and rollback commands: journaled before they start and with their
/// process group once they run, under the lease guard, output masked and recorded.
extension DeploymentRun {
    /// Journals a batch before its deploy command runs, so recovery knows which hosts the
    /// release may have reached.
    func announceBatch(_ number: Int, hosts: [TargetHost]) async throws(StoreError) {
        let progress = RolloutProgress(batch: number, batches: batches.count, hosts: hosts.map(\.name))
        try await journal(progress.journalEvent)
        await engine.observer.observe(.stepStarted(.deploy, detail: number == 1 ? "\(progress.text) (the canary)" : progress.text))
    }

    /// Runs the deploy or rollback command once and tells the state machine how it ended.
    mutating func runCommand(step: Step, attempt: Int, invocation: CommandInvocation) async throws(StoreError) -> DeploymentStateMachine.Action {
        changed = true
        let outcome = try await execute(step: step, attempt: attempt, invocation: invocation)
        if engine.escalation.isRaised {
            try await journal(JournalEvent(kind: .abandoned, message: "stopped at once by a second interruption"))
            return machine.handle(.stoppedAtOnce(changed: true))
        }
        switch outcome {
        case .failure(let error): return machine.handle(.commandFailedToStart(masker.mask(error.description)))
        case .success(let result): return machine.handle(.commandFinished(result.termination, recognized: result.recognized))
        }
    }

    /// Runs a command, journaled before it starts and again with its process group once it
    /// runs (so recovery can stop an orphan). After an interruption it runs shielded from the
    /// cancellation, so a rollback can still happen.
    func execute(step: Step, attempt: Int, invocation: CommandInvocation) async throws(StoreError) -> Result<CommandResult, CommandLaunchError> {
        var guarded = invocation
        if let watch {
            await freshenLease(watch)
            guarded.leaseGuard = LeaseGuardSpec(watch: watch, timing: LeaseGuardTiming(lease: request.environment.lease, grace: invocation.grace))
        }
        let invocation = guarded
        let stepStart = engine.clock.now()
        try await journal(JournalEvent(kind: .commandStarted, step: step.rawValue, attempt: attempt, command: invocation.display))
        await engine.observer.observe(.stepStarted(step, detail: invocation.display.joined(separator: " ")))
        let recorder = OutputRecorder(store: store, id: id, token: token, clock: engine.clock, step: step, attempt: attempt)
        let observer = engine.observer
        let masker = masker
        let runner = engine.runner
        let store = store
        let id = id
        let token = token
        let clock = engine.clock
        let processes = engine.processes
        let streamMasker = PieceMasker(masker)
        let recognition = FirstRecognized()
        let work: @Sendable () async -> Result<CommandResult, CommandLaunchError> = {
            do throws(CommandLaunchError) {
                return .success(try await runner.run(invocation, onStart: { pid in
                    var spawned = JournalEvent(kind: .commandSpawned, step: step.rawValue, attempt: attempt, pid: pid)
                    spawned.processStart = processes.startTime(of: pid)
                    try? await store.append(spawned, to: id, at: clock.now(), token: token)
                }, output: { piece in
                    guard let masked = await streamMasker.mask(piece) else { return }
                    let visible = VisibleText.render(masked)
                    recognition.scan(visible)
                    await observer.observe(.output(visible))
                    await recorder.add(visible)
                }))
            } catch {
                return .failure(error)
            }
        }
        var outcome = Task.isCancelled ? await Task { await work() }.value : await work()
        if case .success(var result) = outcome, !result.termination.succeeded {
            // Judged once, here: a stop by the lease guard wins over what the output showed.
            result.recognized = leaseStopped(result.termination) ?? recognition.code
            outcome = .success(result)
        }
        // Told before anything is written: a store that no longer answers (the reason a lease
        // guard stops a command) must not hide from the person watching how the command ended.
        switch outcome {
        case .failure(let error):
            await engine.observer.observe(.stepFinished(step, .failed, elapsed: elapsed(since: stepStart), detail: masker.mask(error.description)))
        case .success(let result):
            let status: StepStatus = result.termination.succeeded ? .ok : .failed
            let detail = result.recognized == .leaseLost
                ? "command \(result.termination): stopped by its lease guard, the lease was lost or not renewed in time"
                : "command \(result.termination)"
            await engine.observer.observe(.stepFinished(step, status, elapsed: result.duration, detail: detail))
        }
        try await recorder.finish()
        switch outcome {
        case .failure(let error):
            try await journal(JournalEvent(kind: .commandFinished, step: step.rawValue, attempt: attempt, message: masker.mask(error.description)))
        case .success(let result):
            var event = JournalEvent(
                kind: .commandFinished, step: step.rawValue, attempt: attempt, message: result.termination.description,
                durationMilliseconds: result.duration.milliseconds
            )
            switch result.termination {
            case .exited(let code): event.exitCode = code
            case .signaled(let signal): event.signal = signal
            case .timedOut: event.timedOut = true
            case .cancelled: break
            }
            try await journal(event)
        }
        return outcome
    }
}
