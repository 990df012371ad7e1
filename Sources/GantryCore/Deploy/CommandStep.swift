import Foundation

/// Runs one deploy, rollback or recovery command. It is journaled before it starts and again
/// with its process group once it runs (so recovery can stop an orphan), runs under its lease
/// guard, has its output masked, shown and recorded, and has its end judged once: a stop by
/// the lease guard wins over what the output showed. After an interruption it runs shielded
/// from the cancellation, so a rollback can still happen.
struct CommandStep: Sendable {
    let runner: any CommandRunner
    let processes: any ProcessControl
    let observer: any DeploymentObserver
    let clock: any GantryClock
    let masker: SecretMasker
    let journal: RunJournal
    /// The lease the command runs under (every command runs under one).
    let lease: LeaseSession?

    /// The variable that carries the lease's fencing token to the command.
    static let fencingTokenVariable = "GANTRY_FENCING_TOKEN"

    func run(step: Step, attempt: Int, invocation: CommandInvocation) async throws(StoreError) -> Result<CommandResult, CommandLaunchError> {
        var guarded = invocation
        if let lease {
            await lease.freshen()
            guarded.leaseGuard = lease.guardSpec(grace: invocation.grace)
            // Fencing at the hosts: a host that keeps the highest token it has accepted and
            // refuses a lower one cannot be changed by a holder whose lease has passed.
            guarded.environment[Self.fencingTokenVariable] = lease.token.description
        }
        let invocation = guarded
        let stepStart = clock.now()
        try await journal.append(JournalEvent(kind: .commandStarted, step: step.rawValue, attempt: attempt, command: invocation.display))
        await observer.observe(.stepStarted(step, detail: invocation.display.joined(separator: " ")))
        let recorder = OutputRecorder(store: journal.store, id: journal.id, token: journal.token, clock: clock, step: step, attempt: attempt)
        let outcome = await launch(step: step, attempt: attempt, invocation: invocation, recorder: recorder)
        // Told before anything is written: a store that no longer answers (the reason a lease
        // guard stops a command) must not hide from the person watching how the command ended.
        switch outcome {
        case .failure(let error):
            await observer.observe(.stepFinished(step, .failed, elapsed: clock.elapsed(since: stepStart), detail: masker.mask(error.description)))
        case .success(let result):
            let status: StepStatus = result.termination.succeeded ? .ok : .failed
            let detail = result.recognized == .leaseLost
                ? "command \(result.termination): stopped by its lease guard, the lease was lost or not renewed in time"
                : "command \(result.termination)"
            await observer.observe(.stepFinished(step, status, elapsed: result.duration, detail: detail))
        }
        try await recorder.finish()
        try await journal.append(Self.finished(outcome, step: step, attempt: attempt, masker: masker))
        return outcome
    }

    /// The journal's entry for how the command ended.
    private static func finished(_ outcome: Result<CommandResult, CommandLaunchError>, step: Step, attempt: Int, masker: SecretMasker) -> JournalEvent {
        switch outcome {
        case .failure(let error):
            return JournalEvent(kind: .commandFinished, step: step.rawValue, attempt: attempt, message: masker.mask(error.description))
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
            return event
        }
    }

    /// Starts the command and waits for it, its spawn journaled and its output streamed to
    /// the observer and `recorder`.
    private func launch(step: Step, attempt: Int, invocation: CommandInvocation, recorder: OutputRecorder) async -> Result<CommandResult, CommandLaunchError> {
        let (observer, runner, journal, clock, processes) = (observer, runner, journal, clock, processes)
        let streamMasker = PieceMasker(masker)
        let recognition = FirstRecognized()
        let work: @Sendable () async -> Result<CommandResult, CommandLaunchError> = {
            do throws(CommandLaunchError) {
                return .success(try await runner.run(invocation, onStart: { pid in
                    var spawned = JournalEvent(kind: .commandSpawned, step: step.rawValue, attempt: attempt, pid: pid)
                    spawned.processStart = processes.startTime(of: pid)
                    try? await journal.store.append(spawned, to: journal.id, at: clock.now(), token: journal.token)
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
            result.recognized = lease?.stoppedByGuard(result.termination) ?? recognition.code
            outcome = .success(result)
        }
        return outcome
    }
}
