public import Foundation

/// What to deploy, where, and on whose behalf.
public struct DeploymentRequest: Sendable {
    public var environment: EnvironmentConfig
    public var release: Release
    public var force: Bool
    /// The config file's directory: relative paths resolve here and commands run here.
    public var directory: String
    public var origin: Origin
    /// The variables commands inherit and `${VAR}` reads.
    public var processEnvironment: [String: String]
    /// The hosts deployed to and checked: `targets:` resolved against the inventory.
    public var targets: [TargetHost]

    public init(
        environment: EnvironmentConfig, release: Release, force: Bool, directory: String, origin: Origin,
        processEnvironment: [String: String], targets: [TargetHost]? = nil
    ) {
        self.targets = targets ?? environment.targets.map { TargetHost(name: $0) }
        self.environment = environment
        self.release = release
        self.force = force
        self.directory = directory
        self.origin = origin
        self.processEnvironment = processEnvironment
    }

    /// The deploy command resolved for deployment `id`, secrets masked in its display.
    /// Fails, before anything is changed, when a `${VAR}` it uses is not set.
    public func deployInvocation(for id: DeploymentID) throws(Interpolation.MissingVariable) -> CommandInvocation {
        try CommandResolver.resolve(
            environment.deploy, values: placeholders(deploymentID: id), directory: directory,
            processEnvironment: processEnvironment, masker: masker
        )
    }

    /// Hides the values of this environment's secrets.
    public var masker: SecretMasker {
        SecretMasker.forEnvironment(environment, processEnvironment: processEnvironment)
    }

    /// Values for `{release}`, `{environment}`, `{inventory}` and `{deployment_id}`.
    public func placeholders(deploymentID: DeploymentID) -> PlaceholderValues {
        PlaceholderValues(
            release: release.value, environment: environment.name,
            inventory: environment.inventory.map { PathText.join(directory, $0) } ?? "",
            deploymentID: deploymentID.rawValue, targets: targets.map(\.name)
        )
    }
}

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
        machine = DeploymentStateMachine(release: request.release.value, force: request.force)
    }

    var store: any StateStore { engine.store }
    var environment: String { request.environment.name }

    mutating func perform() async throws(StoreError) -> DeploymentSummary {
        let lockStart = engine.clock.now()
        await engine.observer.observe(.stepStarted(.lock, detail: "taking the \(environment) lease"))
        let ttl = request.environment.deploy.timeout + request.environment.deploy.grace + DeploymentEngine.leaseMargin
        let attempt = try await store.tryAcquireLock(
            environment: environment, owner: request.origin, deploymentID: id, reason: "deploying \(request.release)",
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

    private mutating func drive(from first: DeploymentStateMachine.Action) async throws(StoreError) -> DeploymentSummary {
        try await store.beginDeployment(
            DeploymentRecord(id: id, environment: environment, release: request.release.value, startedAt: startedAt, origin: request.origin, forced: request.force),
            token: token
        )
        try await journal(JournalEvent(kind: .deploymentStarted, message: request.force ? "forced" : nil, release: request.release.value))
        var action = first
        while true {
            switch action {
            case .readState:
                let decideStart = engine.clock.now()
                await engine.observer.observe(.stepStarted(.decide, detail: "is \(request.release) already live?"))
                let state = try await store.environmentState(environment)
                let last = try await store.lastEffectiveDeployment(environment: environment, excluding: id)
                previous = state.current
                action = machine.handle(.stateRead(state, lastDeployment: last))
                let detail: String
                if case .finish(.skipped, let reason, _) = action {
                    detail = reason
                } else {
                    detail = state.current.map { "\(environment) runs \($0); deploying \(request.release)" } ?? "first deployment of \(environment)"
                }
                try await journal(JournalEvent(kind: .decision, message: detail))
                let skipped = if case .finish(.skipped, _, _) = action { true } else { false }
                await engine.observer.observe(.stepFinished(.decide, skipped ? .skipped : .ok, elapsed: elapsed(since: decideStart), detail: detail))
            case .runDeploy(let attempt):
                attempts = attempt
                action = try await runDeploy(attempt: attempt)
            case .verify:
                action = try await verify()
            case .finish(let outcome, let reason, let promote):
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
            case .refuse(let reason):
                return try await recordRefusal(reason: reason)
            case .none:
                throw StoreError(.notFound, "deployment \(id) reached no decision")
            }
        }
    }

    private mutating func runDeploy(attempt: Int) async throws(StoreError) -> DeploymentStateMachine.Action {
        let stepStart = engine.clock.now()
        try await journal(JournalEvent(kind: .commandStarted, step: Step.deploy.rawValue, attempt: attempt, command: invocation.display))
        await engine.observer.observe(.stepStarted(.deploy, detail: invocation.display.joined(separator: " ")))
        let recorder = OutputRecorder(store: store, id: id, token: token, clock: engine.clock, step: .deploy, attempt: attempt)
        let observer = engine.observer
        let masker = masker
        let result: CommandResult
        do {
            result = try await engine.runner.run(invocation) { line in
                let masked = masker.mask(line)
                await observer.observe(.output(masked))
                await recorder.add(masked)
            }
        } catch {
            try await recorder.finish()
            let why = masker.mask(error.description)
            try await journal(JournalEvent(kind: .commandFinished, step: Step.deploy.rawValue, attempt: attempt, message: why))
            await engine.observer.observe(.stepFinished(.deploy, .failed, elapsed: elapsed(since: stepStart), detail: why))
            return machine.handle(.commandFailedToStart(why))
        }
        try await recorder.finish()
        var event = JournalEvent(
            kind: .commandFinished, step: Step.deploy.rawValue, attempt: attempt, message: result.termination.description,
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
        await engine.observer.observe(.stepFinished(.deploy, status, elapsed: result.duration, detail: "command \(result.termination)"))
        return machine.handle(.commandFinished(result.termination))
    }

    /// Runs the environment's checks against the new release and journals every verdict.
    private mutating func verify() async throws(StoreError) -> DeploymentStateMachine.Action {
        let environment = request.environment
        let start = engine.clock.now()
        let planned = CheckRunner.plan(environment.checks, targets: request.targets)
        let announce = planned.isEmpty ? "no checks configured" : "\(planned.count) check\(planned.count == 1 ? "" : "s")"
        try await journal(JournalEvent(kind: .verificationStarted, step: Step.verify.rawValue, message: announce))
        await engine.observer.observe(.stepStarted(.verify, detail: announce))
        let observer = engine.observer
        let results = await CheckRunner(prober: engine.prober, clock: engine.clock).run(
            environment.checks, targets: request.targets, environment: request.processEnvironment, masker: masker,
            concurrency: environment.checkConcurrency, deadline: environment.verifyTimeout,
            onResult: { await observer.observe(.checkFinished($0)) }
        )
        for result in results {
            try await journal(.checkResult(result, step: .verify))
        }
        let failures = results.filter { !$0.passed }.map { "\($0.label): \($0.message)" }
        let passed = results.count - failures.count
        await engine.observer.observe(.stepFinished(
            .verify, failures.isEmpty ? .ok : .failed, elapsed: elapsed(since: start),
            detail: planned.isEmpty ? "nothing to verify" : "\(passed) of \(results.count) passed"
        ))
        if Task.isCancelled { return machine.handle(.commandFinished(.cancelled)) }
        return machine.handle(.verified(failures: failures, checked: results.count))
    }

    private func journal(_ event: JournalEvent) async throws(StoreError) {
        try await store.append(event, to: id, at: engine.clock.now(), token: token)
    }

    private func recordRefusal(reason: String) async throws(StoreError) -> DeploymentSummary {
        let masked = masker.mask(reason)
        let now = engine.clock.now()
        try await store.beginDeployment(
            DeploymentRecord(id: id, environment: environment, release: request.release.value, startedAt: startedAt, origin: request.origin, forced: request.force),
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
            previousRelease: previous, startedAt: startedAt, finishedAt: finishedAt, attempts: attempts
        )
    }
}

/// Keeps a command's (masked) output in the journal, in batches so a chatty command does
/// not cost one database write per line, and bounded so it cannot fill the disk.
actor OutputRecorder {
    static let batchLines = 64
    static let maxBytes = 4 * 1024 * 1024

    let store: any StateStore
    let id: DeploymentID
    let token: FencingToken?
    let clock: any GantryClock
    let step: Step
    let attempt: Int
    private var buffer: [String] = []
    private var keptBytes = 0
    private var droppedLines = 0
    private var failure: StoreError?

    init(store: any StateStore, id: DeploymentID, token: FencingToken?, clock: any GantryClock, step: Step, attempt: Int) {
        self.store = store
        self.id = id
        self.token = token
        self.clock = clock
        self.step = step
        self.attempt = attempt
    }

    func add(_ line: String) async {
        guard keptBytes + line.utf8.count <= OutputRecorder.maxBytes else {
            droppedLines += 1
            return
        }
        keptBytes += line.utf8.count + 1
        buffer.append(line)
        if buffer.count >= OutputRecorder.batchLines { await flush() }
    }

    /// Writes what is buffered; rethrows the first store failure seen while streaming.
    func finish() async throws(StoreError) {
        if droppedLines > 0 {
            buffer.append("[gantry: \(droppedLines) more lines not kept; the journal keeps \(OutputRecorder.maxBytes / 1024 / 1024) MiB per attempt]")
            droppedLines = 0
        }
        await flush()
        if let failure { throw failure }
    }

    private func flush() async {
        guard !buffer.isEmpty, failure == nil else { return }
        let text = buffer.joined(separator: "\n")
        buffer.removeAll(keepingCapacity: true)
        do {
            try await store.append(JournalEvent(kind: .output, step: step.rawValue, attempt: attempt, message: text), to: id, at: clock.now(), token: token)
        } catch {
            failure = error
        }
    }
}
