public import Foundation

/// How a deployment ended, for the terminal, JSON and exit code.
public struct DeploymentSummary: Sendable, Hashable, Codable {
    public var id: DeploymentID
    public var environment: String
    public var release: String
    public var outcome: Outcome
    public var reason: String
    /// What the environment ran before, if anything.
    public var previousRelease: String?
    public var startedAt: Date
    public var finishedAt: Date
    public var attempts: Int
    /// The release a rollback went back to, when one ran.
    public var rolledBackTo: String?

    public var duration: Duration {
        .milliseconds(Int64((finishedAt.timeIntervalSince(startedAt) * 1000).rounded()))
    }
}

/// Why the engine could not run a deployment at all.
public enum DeploymentError: Error, Sendable {
    /// A `${VAR}` the deploy command needs is not set; nothing was changed.
    case missingVariable(Interpolation.MissingVariable)
    case store(StoreError)
}

/// Runs one deployment: performs the state machine's actions against the store, the command
/// runner and the observer, and journals each side effect before it starts.
public struct DeploymentEngine: Sendable {
    let store: any StateStore
    let runner: any CommandRunner
    let prober: any Prober
    let observer: any DeploymentObserver
    let clock: any GantryClock
    let random: @Sendable () -> UInt32

    /// Extra lease time beyond the deploy timeout and grace, until leases are renewed while held.
    static let leaseMargin: Duration = .seconds(300)

    public init(
        store: any StateStore, runner: any CommandRunner, prober: any Prober, observer: any DeploymentObserver = SilentObserver(),
        clock: any GantryClock = SystemClock(), random: @escaping @Sendable () -> UInt32 = { UInt32.random(in: 0...UInt32.max) }
    ) {
        self.store = store
        self.runner = runner
        self.prober = prober
        self.observer = observer
        self.clock = clock
        self.random = random
    }

    public func run(_ request: DeploymentRequest) async throws(DeploymentError) -> DeploymentSummary {
        let startedAt = clock.now()
        let id = DeploymentID.make(at: startedAt, random: random())
        let masker = request.masker
        let invocation: CommandInvocation
        do {
            invocation = try request.deployInvocation(for: id)
        } catch {
            throw .missingVariable(error)
        }
        var run = Run(engine: self, request: request, id: id, masker: masker, invocation: invocation, startedAt: startedAt)
        do throws(StoreError) {
            return try await run.perform()
        } catch {
            throw .store(error)
        }
    }
}

/// The mutable part of one engine run.
private struct Run {
    let engine: DeploymentEngine
    let request: DeploymentRequest
    let id: DeploymentID
    let masker: SecretMasker
    let invocation: CommandInvocation
    let startedAt: Date
    var machine: DeploymentStateMachine
    var token: FencingToken?
    var previous: String?
    var attempts = 0

    init(engine: DeploymentEngine, request: DeploymentRequest, id: DeploymentID, masker: SecretMasker, invocation: CommandInvocation, startedAt: Date) {
        self.engine = engine
        self.request = request
        self.id = id
        self.masker = masker
        self.invocation = invocation
        self.startedAt = startedAt
        machine = DeploymentStateMachine(release: request.release.value, force: request.force, policy: request.policy)
    }

    var store: any StateStore { engine.store }
    var environment: String { request.environment.name }

    mutating func perform() async throws(StoreError) -> DeploymentSummary {
        let lockStart = engine.clock.now()
        await engine.observer.observe(.stepStarted(.lock, detail: "taking the \(environment) lease"))
        let ttl = leaseLength
        let attempt = try await store.tryAcquireLock(
            environment: environment, owner: request.origin, deploymentID: id,
            reason: request.kind == .rollback ? "rolling back to \(request.release)" : "deploying \(request.release)",
            ttl: ttl, now: lockStart
        )
        var action: DeploymentStateMachine.Action
        switch attempt {
        case .acquired(let lease):
            token = lease.token
            await engine.observer.observe(.stepFinished(.lock, .ok, elapsed: elapsed(since: lockStart), detail: "lease \(lease.token) taken"))
            action = machine.handle(.lockAcquired)
        case .held(let lease):
            action = machine.handle(.lockHeld(lease))
            if case .refuse(let reason) = action {
                await engine.observer.observe(.stepFinished(.lock, .failed, elapsed: elapsed(since: lockStart), detail: reason))
                return try await recordRefusal(reason: reason)
            }
        }
        do {
            let summary = try await drive(from: action)
            try? await release()
            return summary
        } catch {
            try? await release()
            throw error
        }
    }

    /// Until leases are renewed while held, a lease covers every attempt, the rollback and
    /// verification, with a margin.
    var leaseLength: Duration {
        let environment = request.environment
        let command = environment.deploy.timeout + environment.deploy.grace
        let rollback = (environment.rollback?.timeout ?? .zero) + (environment.rollback?.grace ?? .zero)
        let retries = Duration.seconds(environment.retry.maxBackoff.seconds * Double(environment.retry.attempts))
        return command * environment.retry.attempts + retries + rollback + environment.verifyTimeout * 2 + DeploymentEngine.leaseMargin
    }

    private mutating func drive(from first: DeploymentStateMachine.Action) async throws(StoreError) -> DeploymentSummary {
        try await store.beginDeployment(
            DeploymentRecord(
                id: id, environment: environment, release: request.release.value, kind: request.kind, startedAt: startedAt,
                origin: request.origin, forced: request.force
            ),
            token: token
        )
        try await journal(JournalEvent(kind: .deploymentStarted, message: request.force ? "forced" : nil, release: request.release.value))
        var action = first
        while true {
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
                action = try await runCommand(step: .deploy, attempt: attempt, invocation: invocation)
            case .verify:
                action = try await verify(step: machine.verificationStep)
            case .runRollback(let target):
                let rollback: CommandInvocation
                do {
                    rollback = try request.rollbackInvocation(to: target, for: id)
                } catch {
                    action = machine.handle(.commandFailedToStart("\(error)"))
                    continue
                }
                action = try await runCommand(step: .rollback, attempt: 1, invocation: rollback)
            case .finish(let outcome, let reason, let promote):
                return try await finish(outcome, reason: reason, promote: promote)
            case .refuse(let reason):
                return try await recordRefusal(reason: reason)
            case .none:
                throw StoreError(.notFound, "deployment \(id) reached no decision")
            }
        }
    }

    private mutating func decide() async throws(StoreError) -> DeploymentStateMachine.Action {
        let decideStart = engine.clock.now()
        await engine.observer.observe(.stepStarted(.decide, detail: "is \(request.release) already live?"))
        let state = try await store.environmentState(environment)
        let last = try await store.lastEffectiveDeployment(environment: environment, excluding: id)
        previous = state.current
        let action = machine.handle(.stateRead(state, lastDeployment: last))
        let detail: String
        let skipped: Bool
        if case .finish(.skipped, let reason, _) = action {
            detail = reason
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

    /// Runs the deploy or rollback command once, journaled before it starts. After an
    /// interruption it runs shielded from the cancellation, so a rollback can still happen.
    private mutating func runCommand(step: Step, attempt: Int, invocation: CommandInvocation) async throws(StoreError) -> DeploymentStateMachine.Action {
        let stepStart = engine.clock.now()
        try await journal(JournalEvent(kind: .commandStarted, step: step.rawValue, attempt: attempt, command: invocation.display))
        await engine.observer.observe(.stepStarted(step, detail: invocation.display.joined(separator: " ")))
        let recorder = OutputRecorder(store: store, id: id, token: token, clock: engine.clock, step: step, attempt: attempt)
        let observer = engine.observer
        let masker = masker
        let runner = engine.runner
        let work: @Sendable () async -> Result<CommandResult, CommandLaunchError> = {
            do throws(CommandLaunchError) {
                return .success(try await runner.run(invocation) { line in
                    let masked = masker.mask(line)
                    await observer.observe(.output(masked))
                    await recorder.add(masked)
                })
            } catch {
                return .failure(error)
            }
        }
        let outcome = Task.isCancelled ? await Task { await work() }.value : await work()
        try await recorder.finish()
        switch outcome {
        case .failure(let error):
            let why = masker.mask(error.description)
            try await journal(JournalEvent(kind: .commandFinished, step: step.rawValue, attempt: attempt, message: why))
            await engine.observer.observe(.stepFinished(step, .failed, elapsed: elapsed(since: stepStart), detail: why))
            return machine.handle(.commandFailedToStart(why))
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
            let status: StepStatus = result.termination.succeeded ? .ok : .failed
            await engine.observer.observe(.stepFinished(step, status, elapsed: result.duration, detail: "command \(result.termination)"))
            return machine.handle(.commandFinished(result.termination))
        }
    }

    /// Runs the environment's checks and journals every verdict; shielded from an earlier
    /// interruption so the rollback it follows is verified too.
    private mutating func verify(step: Step) async throws(StoreError) -> DeploymentStateMachine.Action {
        let environment = request.environment
        let start = engine.clock.now()
        let planned = CheckRunner.plan(environment.checks, targets: request.targets)
        let announce = planned.isEmpty ? "no checks configured" : "\(planned.count) check\(planned.count == 1 ? "" : "s")"
        try await journal(JournalEvent(kind: .verificationStarted, step: step.rawValue, message: announce))
        await engine.observer.observe(.stepStarted(step, detail: announce))
        let observer = engine.observer
        let runner = CheckRunner(prober: engine.prober, clock: engine.clock)
        let targets = request.targets
        let processEnvironment = request.processEnvironment
        let masker = masker
        let work: @Sendable () async -> [CheckResult] = {
            await runner.run(
                environment.checks, targets: targets, environment: processEnvironment, masker: masker,
                concurrency: environment.checkConcurrency, deadline: environment.verifyTimeout,
                onResult: { await observer.observe(.checkFinished($0)) }
            )
        }
        let shielded = Task.isCancelled && step == .verifyRollback
        let results = shielded ? await Task { await work() }.value : await work()
        for result in results {
            try await journal(.checkResult(result, step: step))
        }
        let failures = results.filter { !$0.passed }.map { "\($0.label): \($0.message)" }
        let passed = results.count - failures.count
        await engine.observer.observe(.stepFinished(
            step, failures.isEmpty ? .ok : .failed, elapsed: elapsed(since: start),
            detail: planned.isEmpty ? "nothing to verify" : "\(passed) of \(results.count) passed"
        ))
        if Task.isCancelled, step == .verify { return machine.handle(.interrupted) }
        return machine.handle(.verified(failures: failures, checked: results.count))
    }

    private mutating func finish(_ outcome: Outcome, reason: String, promote: Bool) async throws(StoreError) -> DeploymentSummary {
        let maskedReason = masker.mask(reason)
        let finishStart = engine.clock.now()
        if promote {
            await engine.observer.observe(.stepStarted(.promote, detail: "recording \(request.release) as current and last good"))
            try await journal(JournalEvent(kind: .promoting, release: request.release.value))
        }
        try await journal(JournalEvent(kind: .deploymentFinished, message: maskedReason, outcome: outcome))
        let finishedAt = engine.clock.now()
        try await store.finishDeployment(id, outcome: outcome, reason: maskedReason, at: finishedAt, promote: promote, token: token)
        if promote {
            await engine.observer.observe(.stepFinished(.promote, .ok, elapsed: elapsed(since: finishStart), detail: "\(environment) runs \(request.release)"))
        }
        _ = machine.handle(.finished)
        return summary(outcome: outcome, reason: maskedReason, finishedAt: finishedAt)
    }

    private func journal(_ event: JournalEvent) async throws(StoreError) {
        try await store.append(event, to: id, at: engine.clock.now(), token: token)
    }

    private func recordRefusal(reason: String) async throws(StoreError) -> DeploymentSummary {
        let masked = masker.mask(reason)
        let now = engine.clock.now()
        try await store.beginDeployment(
            DeploymentRecord(
                id: id, environment: environment, release: request.release.value, kind: request.kind, startedAt: startedAt,
                origin: request.origin, forced: request.force
            ),
            token: nil
        )
        try await store.append(JournalEvent(kind: .deploymentFinished, message: masked, outcome: .refused), to: id, at: now, token: nil)
        try await store.finishDeployment(id, outcome: .refused, reason: masked, at: now, promote: false, token: nil)
        return summary(outcome: .refused, reason: masked, finishedAt: now)
    }

    private func release() async throws(StoreError) {
        if let token { try await store.releaseLock(environment: environment, token: token) }
    }

    private func elapsed(since start: Date) -> Duration {
        .milliseconds(Int64((engine.clock.now().timeIntervalSince(start) * 1000).rounded()))
    }

    private func summary(outcome: Outcome, reason: String, finishedAt: Date) -> DeploymentSummary {
        DeploymentSummary(
            id: id, environment: environment, release: request.release.value, outcome: outcome, reason: reason,
            previousRelease: previous, startedAt: startedAt, finishedAt: finishedAt, attempts: attempts,
            rolledBackTo: machine.rolledBackTo
        )
    }
}
