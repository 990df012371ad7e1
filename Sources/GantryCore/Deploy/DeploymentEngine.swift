package import Foundation

/// How a deployment ended, for the terminal, JSON and exit code.
package struct DeploymentSummary: Sendable, Hashable, Codable {
    package var id: DeploymentID
    package var environment: String
    package var release: String
    package var outcome: Outcome
    package var reason: String
    /// What the environment ran before, if anything.
    package var previousRelease: String?
    package var startedAt: Date
    package var finishedAt: Date
    package var attempts: Int
    /// The release a rollback went back to, when one ran.
    package var rolledBackTo: String?
    /// Why it did not succeed, as a code; nil when it did (or was skipped).
    package var reasonCode: ReasonCode?

    package var duration: Duration {
        .milliseconds(Int64((finishedAt.timeIntervalSince(startedAt) * 1000).rounded()))
    }
}

/// Why the engine could not run a deployment to its end.
package enum DeploymentError: Error, Sendable {
    /// A `${VAR}` the deploy command needs is not set; nothing was changed.
    case missingVariable(Interpolation.MissingVariable)
    /// The store failed. `changed` says whether a deploy or rollback command had started
    /// (production may be changed, so this is never "nothing changed"); `restored` whether
    /// a rollback had then been verified.
    case store(StoreError, changed: Bool, restored: Bool)
}

/// Runs one deployment: performs the state machine's actions against the store, the command
/// runner and the observer, and journals each side effect before it starts.
package struct DeploymentEngine: Sendable {
    let store: any StateStore
    let runner: any CommandRunner
    let prober: any Prober
    /// Where `protect.alertmanager` asks for active alerts.
    let alerts: any AlertSource
    let processes: any ProcessControl
    let observer: any DeploymentObserver
    /// Paces what a deployment means to wait (retries, bakes, pause polls) and stamps records.
    let clock: any GantryClock
    /// Bounds what might hang (probe attempts, a verification, lease renewals) and measures
    /// latencies: the machine's clock in production; tests of timeouts move a manual one.
    let timer: any GantryClock
    let random: @Sendable () -> UInt32
    let escalation: Escalation

    /// How often a waiter looks at the lock; short, so a freed lock is taken quickly.
    static let lockPollInterval: Duration = .milliseconds(20)
    /// How often a waiter says it is alive; one silent for `waiterStaleness` is skipped.
    static let waiterHeartbeat: Duration = .seconds(1)
    /// How often a paused rollout looks for `gantry promote` or `gantry abort`.
    static let pausePollInterval: Duration = .milliseconds(500)
    package static let waiterStaleness: Duration = .seconds(10)

    package init(
        store: any StateStore, runner: any CommandRunner, prober: any Prober, processes: any ProcessControl,
        observer: any DeploymentObserver = SilentObserver(),
        clock: any GantryClock = SystemClock(), timer: any GantryClock = SystemClock(),
        random: @escaping @Sendable () -> UInt32 = { UInt32.random(in: 0...UInt32.max) },
        escalation: Escalation = Escalation(), alerts: any AlertSource = NoAlertSource()
    ) {
        self.timer = timer
        self.alerts = alerts
        self.escalation = escalation
        self.store = store
        self.runner = runner
        self.prober = prober
        self.processes = processes
        self.observer = observer
        self.clock = clock
        self.random = random
    }

    package func run(_ request: DeploymentRequest) async throws(DeploymentError) -> DeploymentSummary {
        let startedAt = request.resume?.deployment.startedAt ?? clock.now()
        let id = request.resume?.deployment.id ?? DeploymentID.make(at: startedAt, random: random())
        let masker = request.masker
        let invocation: CommandInvocation
        do {
            invocation = try request.deployInvocation(for: id)
        } catch {
            throw .missingVariable(error)
        }
        var run = DeploymentRun(engine: self, request: request, id: id, masker: masker, invocation: invocation, startedAt: startedAt)
        do throws(StoreError) {
            return try await run.perform()
        } catch {
            throw .store(error, changed: run.changed, restored: run.restored)
        }
    }
}

/// The mutable part of one engine run. Its recovery of abandoned deployments lives in
/// `Recovery/AbandonedRecovery.swift`.
struct DeploymentRun {
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

    init(engine: DeploymentEngine, request: DeploymentRequest, id: DeploymentID, masker: SecretMasker, invocation: CommandInvocation, startedAt: Date) {
        self.engine = engine
        self.request = request
        self.id = id
        self.masker = masker
        self.invocation = invocation
        self.startedAt = startedAt
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

    /// Releases the lease after `summary`: held by hand after an automatic rollback with
    /// `lock_after_rollback`, kept until `pause_timeout` for a rollout left paused.
    private func settleLease(after summary: DeploymentSummary, renewer: Task<Void, Never>) async throws(StoreError) -> DeploymentSummary {
        if summary.outcome == .paused, let token {
            // A renewal still in flight must not land after the extension and shorten it.
            renewer.cancel()
            await renewer.value
            let timeout = request.environment.rollout?.pauseTimeout ?? RolloutConfig.defaultPauseTimeout
            _ = try await store.renewLock(environment: environment, token: token, ttl: timeout, now: engine.clock.now())
            return summary
        }
        if summary.outcome == .rolledBack, request.environment.lockAfterRollback, let token {
            renewer.cancel()
            try await store.holdLock(environment: environment, token: token, reason: "held after an automatic rollback: \(summary.reason); 'gantry unlock \(environment)' releases it")
            return summary
        }
        try? await release()
        return summary
    }

    /// `gantry promote` / `gantry abort` of a rollout another process left paused: takes over
    /// its lease (that token only), journals the decision, recovers nothing else, and drives
    /// the deployment on from where it paused.
    private mutating func carryOn(_ paused: PausedRollout) async throws(StoreError) -> DeploymentSummary {
        await engine.observer.observe(.stepStarted(.lock, detail: "taking over the lease of paused deployment \(id)"))
        let now = engine.clock.now()
        let takeOver = LockRequest(
            environment: environment, owner: request.origin, deploymentID: id, reason: "\(paused.abort ? "aborting" : "promoting") \(request.release)",
            ttl: request.environment.lease, now: now, breaking: paused.token
        )
        let sentAt = engine.clock.monotonicNanoseconds()
        guard case .acquired(let lease) = try await store.tryAcquireLock(takeOver) else {
            throw StoreError(.staleToken, "the paused rollout's lease \(paused.token) is no longer current: another process decided it, or it timed out and was recovered")
        }
        acquiredAt = engine.clock.monotonicNanoseconds()
        watch = LeaseWatch(sentAt: sentAt)
        token = lease.token
        // The lease was free or ours to break; the deployment must still be the paused one
        // (another promote or abort may have decided it and released the lease meanwhile).
        let current = try await store.deployment(id)
        guard current?.outcome == nil, PausedRollout.pausedBatch(in: try await store.journal(id)) == paused.afterBatch else {
            try? await release()
            throw StoreError(.staleToken, "deployment \(id) is no longer paused: another promote or abort decided it (\(current?.outcome?.rawValue ?? "unfinished"))")
        }
        record = paused.deployment
        changed = true
        await engine.observer.observe(.stepFinished(.lock, .ok, elapsed: .zero, detail: "lease \(lease.token) taken over from \(paused.token)"))
        let renewer = LeaseRenewer.start(store: store, environment: environment, token: lease.token, lease: request.environment.lease, clock: engine.clock, timer: engine.timer, watch: watch)
        defer { renewer.cancel() }
        do {
            try await journal(JournalEvent(kind: paused.abort ? .aborted : .promoted, step: Step.verify.rawValue, message: masker.mask(paused.decision)))
            let state = try await store.environmentState(environment)
            previous = state.current
            let abort = paused.abort ? (paused.decision, ReasonCode.rolloutAborted) : nil
            let checked = CheckRunner.plan(request.environment.checks, targets: Array(batches.prefix(paused.afterBatch).joined())).count
            let summary = try await drive(from: machine.resume(afterBatch: paused.afterBatch, lastGood: state.lastGood, abort: abort, checked: checked))
            return try await settleLease(after: summary, renewer: renewer)
        } catch {
            try? await release()
            throw error
        }
    }

    /// Why this deployment may not start: frozen, inside a freeze window, the circuit breaker
    /// is open, or Alertmanager has matching alerts firing (`protect.alertmanager`).
    private func protection() async throws(StoreError) -> Refusal? {
        let config = request.environment
        let state = try await store.environmentState(environment)
        let recent = config.circuitBreaker == nil ? [] : try await store.deployments(environment: environment, limit: 100)
        if let refusal = Protection.refusal(state: state, recent: recent, windows: config.freezeWindows, circuitBreaker: config.circuitBreaker, now: engine.clock.now()) {
            return refusal
        }
        guard let gate = config.alertGate else { return nil }
        let url: String
        do {
            url = try Interpolation.expand(gate.url, environment: request.processEnvironment)
        } catch {
            let verdict = gate.judge(.unreachable("a ${VAR} in its url is not set"), environment: environment)
            if let note = verdict.note { pendingNotes.append(masker.mask(note)) }
            return verdict.refusal
        }
        let answer = await engine.alerts.activeAlerts(gate, url: url, timeout: gate.timeout)
        let verdict = gate.judge(answer, environment: environment)
        if let note = verdict.note { pendingNotes.append(masker.mask(note)) }
        return verdict.refusal.map { Refusal($0.code, masker.mask($0.text)) }
    }

    /// Notes to journal once the deployment row exists.
    func journalLater(_ note: String) async throws(StoreError) {
        pendingNotes.append(note)
    }

    private mutating func drive(from first: DeploymentStateMachine.Action) async throws(StoreError) -> DeploymentSummary {
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
    private var isRollout: Bool { batches.count > 1 }

    /// Bakes the batch just checked: its analyses measure while the bake lasts, then the
    /// checks run again. A failed analysis fails the batch at once; an inconclusive one
    /// (with everything else passing) pauses the rollout.
    private mutating func bake(for duration: Duration) async throws(StoreError) -> DeploymentStateMachine.Action {
        let analyses = request.environment.checks.filter { $0.analysis != nil }
        let label = "batch \(machine.batch)/\(batches.count)"
        let detail = "baking \(label) for \(DurationText.format(duration))\(analyses.isEmpty ? "" : " while \(analyses.count) analys\(analyses.count == 1 ? "is runs" : "es run")"), then checking it again"
        try await journal(JournalEvent(kind: .note, step: Step.verify.rawValue, message: detail))
        await engine.observer.observe(.stepStarted(.verify, detail: detail))
        let bakeStart = engine.clock.now()
        let hosts = checkedHosts
        var verdicts: [AnalysisVerdict] = []
        if !analyses.isEmpty {
            verdicts = await AnalysisRunner(prober: engine.prober, clock: engine.clock).run(
                analyses, hosts: hosts, window: duration, environment: request.processEnvironment, masker: masker
            )
            for verdict in verdicts {
                try await journal(verdict.journalEvent)
                await engine.observer.observe(.checkFinished(verdict.checkResult))
            }
        }
        let failed = verdicts.filter { $0.phase == .failed || $0.phase == .error }
        if !Task.isCancelled, failed.isEmpty {
            let rest = duration - .milliseconds(Int64(engine.clock.now().timeIntervalSince(bakeStart) * 1000))
            if rest > .zero { try? await engine.clock.sleep(for: rest) }
        }
        if Task.isCancelled {
            await engine.observer.observe(.stepFinished(.verify, .failed, elapsed: elapsed(since: bakeStart), detail: "interrupted while baking \(label)"))
            return machine.handle(.interrupted)
        }
        let inconclusive = verdicts.filter { $0.phase == .inconclusive }
        let status: StepStatus = failed.isEmpty && inconclusive.isEmpty ? .ok : .failed
        let judged = verdicts.isEmpty ? "" : "; analyses: " + verdicts.map { "\($0.name) \($0.phase.rawValue)" }.joined(separator: ", ")
        await engine.observer.observe(.stepFinished(.verify, status, elapsed: elapsed(since: bakeStart), detail: "\(label) baked\(judged)"))
        if !failed.isEmpty {
            return machine.handle(.verified(
                failures: failed.map { "analysis \($0.name) \($0.phase.rawValue): \($0.message)" }, checked: verdicts.count, code: .analysisFailed
            ))
        }
        return try await verify(step: .verify, inconclusive: inconclusive)
    }

    /// `on_pause: exit`: leaves the rollout paused in the store for `gantry promote` or `gantry
    /// abort` to carry on, its lease kept until `timeout` (`settleLease`), and ends this run
    /// with `paused` (exit 5). Left undecided, the next deploy or recover rolls it back once the
    /// lease has expired.
    private mutating func leavePaused(reason: String, timeout: Duration) async throws(StoreError) -> DeploymentSummary {
        var event = JournalEvent(kind: .paused, step: Step.verify.rawValue, message: masker.mask(reason))
        event.detached = true
        try await journal(event)
        await announce(.paused, reason: masker.mask(reason))
        machine.detach()
        let text = "paused: \(masker.mask(reason)); 'gantry promote \(environment)' deploys the remaining batches, 'gantry abort \(environment)' rolls back; rolled back by the next deploy or recover once \(DurationText.format(timeout)) have passed"
        await engine.observer.observe(.stepFinished(.verify, .skipped, elapsed: .zero, detail: text))
        return summary(outcome: .paused, reason: text, code: nil, finishedAt: engine.clock.now())
    }

    /// Waits for a person: `gantry promote ENV` or `gantry abort ENV` (from any runner) write
    /// their decision into this deployment's journal with its lease's token; after `timeout`
    /// the rollout aborts by itself. The lease is renewed all along.
    private mutating func pause(reason: String, timeout: Duration) async throws(StoreError) -> DeploymentStateMachine.Action {
        let start = engine.clock.now()
        try await journal(JournalEvent(kind: .paused, step: Step.verify.rawValue, message: masker.mask(reason)))
        await announce(.paused, reason: masker.mask(reason))
        let pausedAt = try await store.journal(id).last { $0.event.kind == .paused }?.sequence ?? 0
        let detail = "paused: \(masker.mask(reason)); 'gantry promote \(environment)' goes on, 'gantry abort \(environment)' rolls back; aborting by itself in \(DurationText.format(timeout))"
        await engine.observer.observe(.stepStarted(.verify, detail: detail))
        await engine.observer.observe(.output(detail))
        while true {
            do {
                try await engine.clock.sleep(for: DeploymentEngine.pausePollInterval)
            } catch {
                await engine.observer.observe(.stepFinished(.verify, .failed, elapsed: elapsed(since: start), detail: "interrupted while paused"))
                return machine.handle(.interrupted)
            }
            let entries = try await store.journal(id)
            if let decision = entries.first(where: { $0.sequence > pausedAt && ($0.event.kind == .promoted || $0.event.kind == .aborted) }) {
                let said = decision.event.message ?? decision.event.kind.rawValue
                await engine.observer.observe(.stepFinished(.verify, decision.event.kind == .promoted ? .ok : .failed, elapsed: elapsed(since: start), detail: said))
                return decision.event.kind == .promoted ? machine.handle(.promoted(said)) : machine.handle(.aborted(said, .rolloutAborted))
            }
            if engine.clock.now().timeIntervalSince(start) >= timeout.seconds {
                // A decision written since the read above still wins over the timeout.
                if let late = try await store.journal(id).first(where: { $0.sequence > pausedAt && ($0.event.kind == .promoted || $0.event.kind == .aborted) }) {
                    let said = late.event.message ?? late.event.kind.rawValue
                    return late.event.kind == .promoted ? machine.handle(.promoted(said)) : machine.handle(.aborted(said, .rolloutAborted))
                }
                let why = "no one promoted or aborted it within its pause_timeout (\(DurationText.format(timeout)))"
                try await journal(JournalEvent(kind: .aborted, step: Step.verify.rawValue, message: why))
                await engine.observer.observe(.stepFinished(.verify, .failed, elapsed: elapsed(since: start), detail: why))
                return machine.handle(.aborted(why, .pauseTimeout))
            }
        }
    }

    /// The hosts a deploy command may have changed so far: what a rollback must undo.
    private var changedHosts: [TargetHost] { Array(batches.prefix(machine.changedBatches).joined()) }

    /// The hosts checks run for now: every target, or under a rollout the batches deployed
    /// so far (verifying) or changed (verifying a rollback).
    private var checkedHosts: [TargetHost] {
        guard isRollout else { return request.targets }
        if case .verifyingRollback = machine.state { return changedHosts }
        return Array(batches.prefix(machine.batch).joined())
    }

    /// Journals a batch before its deploy command runs, so recovery knows which hosts the
    /// release may have reached.
    private func announceBatch(_ number: Int, hosts: [TargetHost]) async throws(StoreError) {
        let progress = RolloutProgress(batch: number, batches: batches.count, hosts: hosts.map(\.name))
        try await journal(progress.journalEvent)
        await engine.observer.observe(.stepStarted(.deploy, detail: number == 1 ? "\(progress.text) (the canary)" : progress.text))
    }

    private mutating func decide() async throws(StoreError) -> DeploymentStateMachine.Action {
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

    /// Runs the deploy or rollback command once and tells the state machine how it ended.
    private mutating func runCommand(step: Step, attempt: Int, invocation: CommandInvocation) async throws(StoreError) -> DeploymentStateMachine.Action {
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

    /// Renews the lease before a command starts when a renewal is due (the newest confirmed
    /// send is more than a third of the lease old): a deployment slowed down by a loaded
    /// machine or store then starts its command with most of a lease ahead of it, instead
    /// of having the command's guard stop it, or refuse to start it, for a staleness that
    /// one renewal clears. An answer that the lease is gone tells the guards so; a store
    /// that does not answer within a third of the lease leaves the judgement to the guard.
    private func freshenLease(_ watch: LeaseWatch) async {
        guard !watch.isLost, let token else { return }
        let lease = request.environment.lease
        let clock = engine.clock
        let timer = engine.timer
        let now = clock.monotonicNanoseconds()
        guard now &- min(watch.lastConfirmed, now) > UInt64(clamping: (lease / 3).milliseconds) * 1_000_000 else { return }
        let store = store
        let environment = environment
        let renewal: @Sendable () async -> Void = {
            _ = await LeaseRenewer.renewOnce(store: store, environment: environment, token: token, lease: lease, clock: clock, timer: timer, watch: watch)
        }
        if Task.isCancelled { await Task { await renewal() }.value } else { await renewal() }
    }

    /// Whether a command that ended this way was stopped by its lease guard for a lease that
    /// was lost or not renewed in time (`lease_lost`), rather than failing on its own.
    private func leaseStopped(_ termination: CommandTermination) -> ReasonCode? {
        guard let watch else { return nil }
        let stale = engine.clock.monotonicNanoseconds() &- min(watch.lastConfirmed, engine.clock.monotonicNanoseconds())
            >= UInt64(clamping: LeaseGuardTiming.shortestTerm(lease: request.environment.lease).milliseconds) * 1_000_000
        switch termination {
        case .signaled, .exited(LeaseGuardTiming.tooLateStatus): return watch.isLost || stale ? .leaseLost : nil
        default: return nil
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

    /// Runs preflight, journals each item, and tells the state machine what failed.
    private mutating func preflight() async throws(StoreError) -> DeploymentStateMachine.Action {
        let start = engine.clock.now()
        let wayBack = request.kind == .deploy
        await engine.observer.observe(.stepStarted(.preflight, detail: "secrets, inventory, tools, disk, reachability\(wayBack ? ", a way back" : "")"))
        let observer = engine.observer
        let lastGood = machine.lastGood
        let results = await PreflightRunner(prober: engine.prober, processes: engine.processes, timer: engine.timer).run(
            environment: request.environment, targets: request.targets, directory: request.directory,
            processEnvironment: request.processEnvironment, lastGood: lastGood, wayBack: wayBack, onResult: { await observer.observe(.checkFinished($0)) }
        )
        for result in results { try await journal(.checkResult(result, step: .preflight)) }
        let failures = results.filter { !$0.passed }.map { "\($0.label): \($0.message)" }
        await engine.observer.observe(.stepFinished(
            .preflight, failures.isEmpty ? .ok : .failed, elapsed: elapsed(since: start),
            detail: failures.isEmpty ? "\(results.count) passed" : "\(failures.count) of \(results.count) failed"
        ))
        if Task.isCancelled { return machine.handle(.interrupted) }
        return machine.handle(.preflightDone(failures: failures, code: ReasonCode.preflight(results.filter { !$0.passed })))
    }

    /// Verifies and tells the state machine the verdict.
    /// `inconclusive`: the analyses of the bake before, which pause the rollout when
    /// everything else passes.
    private mutating func verify(step: Step, inconclusive: [AnalysisVerdict] = []) async throws(StoreError) -> DeploymentStateMachine.Action {
        var results = try await runChecks(step: step, hosts: checkedHosts)
        var alertCode: ReasonCode?
        var alertPause: String?
        if step == .verify, isRollout, !engine.escalation.isRaised, let (watched, code) = try await watchAlerts() {
            if code == .activeAlerts, request.environment.alertGate?.duringRollout == .pause {
                alertPause = watched.message
            } else {
                results.append(watched)
                alertCode = code
            }
        }
        if engine.escalation.isRaised {
            if changed { try await journal(JournalEvent(kind: .abandoned, message: "stopped at once by a second interruption")) }
            return machine.handle(.stoppedAtOnce(changed: changed))
        }
        if Task.isCancelled, step == .verify { return machine.handle(.interrupted) }
        let failures = results.filter { !$0.passed }.map { "\($0.label): \($0.message)" }
        if step == .verifyRollback, failures.isEmpty { restored = true }
        let checkCode = ReasonCode.checks(results.filter { !$0.passed && $0.kind != AlertGateConfig.checkKind })
        if failures.isEmpty, !inconclusive.isEmpty || alertPause != nil {
            let reasons = inconclusive.map { "analysis \($0.name) inconclusive: \($0.message)" } + (alertPause.map { ["alertmanager (during_rollout: pause): \($0)"] } ?? [])
            return machine.handle(.inconclusive(reasons.joined(separator: "; "), checked: results.count))
        }
        return machine.handle(.verified(failures: failures, checked: results.count, code: checkCode ?? alertCode))
    }

    /// During a rollout `protect.alertmanager` is asked again each time a batch has passed its
    /// checks: a matching alert that fires mid-rollout (an incident the release may have
    /// caused, or one it must not deepen) fails the batch like a failing check, so the hosts
    /// deployed so far are rolled back. Alertmanager unreachable follows `on_unreachable`. A
    /// deploy that overrode the gate to start is not stopped by it. Returns the verdict as a
    /// check result, already journaled and shown, and its reason code when it failed.
    private func watchAlerts() async throws(StoreError) -> (CheckResult, ReasonCode?)? {
        guard let gate = request.environment.alertGate, request.override == nil else { return nil }
        let start = engine.clock.now()
        let answer: AlertQuery
        do {
            let url = try Interpolation.expand(gate.url, environment: request.processEnvironment)
            answer = await engine.alerts.activeAlerts(gate, url: url, timeout: gate.timeout)
        } catch {
            answer = .unreachable("a ${VAR} in its url is not set")
        }
        let verdict = gate.judge(answer, environment: environment)
        let message = verdict.refusal?.text ?? verdict.note ?? "no matching alert is active"
        let result = CheckResult(
            name: "alertmanager", kind: AlertGateConfig.checkKind, target: nil, passed: verdict.refusal == nil,
            outcome: verdict.refusal == nil ? .pass : .fail, attempts: 1,
            latencyMilliseconds: elapsed(since: start).milliseconds, message: masker.mask(message)
        )
        try await journal(.checkResult(result, step: .verify))
        await engine.observer.observe(.checkFinished(result))
        return (result, verdict.refusal?.code)
    }

    /// Runs the environment's checks (`{host}` checks for `hosts`) and journals every
    /// verdict; shielded from an earlier interruption when it verifies a rollback.
    func runChecks(step: Step, hosts: [TargetHost]) async throws(StoreError) -> [CheckResult] {
        let environment = request.environment
        let start = engine.clock.now()
        let planned = CheckRunner.plan(environment.checks, targets: hosts)
        let announce = planned.isEmpty ? "no checks configured" : "\(planned.count) check\(planned.count == 1 ? "" : "s")"
        try await journal(JournalEvent(kind: .verificationStarted, step: step.rawValue, message: announce))
        await engine.observer.observe(.stepStarted(step, detail: announce))
        let observer = engine.observer
        let runner = CheckRunner(prober: engine.prober, clock: engine.clock, timer: engine.timer)
        let targets = hosts
        let processEnvironment = request.processEnvironment
        let masker = masker
        let work: @Sendable () async -> [CheckResult] = {
            await runner.run(
                environment.checks, targets: targets, environment: processEnvironment, masker: masker,
                concurrency: environment.checkConcurrency, deadline: environment.verifyTimeout,
                onResult: { await observer.observe(.checkFinished($0)) }
            )
        }
        let shielded = Task.isCancelled && step != .verify
        let escalation = engine.escalation
        let guarded: @Sendable () async -> [CheckResult] = { await escalation.unlessRaised(work) ?? [] }
        let results = shielded ? await Task { await guarded() }.value : await guarded()
        try await store.append(results.map { .checkResult($0, step: step) }, to: id, at: engine.clock.now(), token: token)
        let failed = results.filter { !$0.passed }.count
        await engine.observer.observe(.stepFinished(
            step, failed == 0 ? .ok : .failed, elapsed: elapsed(since: start),
            detail: planned.isEmpty ? "nothing to verify" : "\(results.count - failed) of \(results.count) passed"
        ))
        return results
    }

    /// Records the outcome: the one place a deployment's reason is put into words.
    mutating func finish(_ outcome: Outcome, reason: OutcomeReason, promote: Bool, code: ReasonCode? = nil) async throws(StoreError) -> DeploymentSummary {
        let maskedReason = masker.mask(reason.text)
        let code = outcome == .succeeded || outcome == .skipped ? nil : code
        let finishStart = engine.clock.now()
        if promote {
            await engine.observer.observe(.stepStarted(.promote, detail: "recording \(request.release) as current and last good"))
            try await journal(JournalEvent(kind: .promoting, release: request.release.value))
        }
        var finished = JournalEvent(kind: .deploymentFinished, message: maskedReason, outcome: outcome)
        finished.reasonCode = code
        finished.causeCode = code == nil ? nil : machine.causeCode
        try await journal(finished)
        let finishedAt = engine.clock.now()
        try await store.finishDeployment(id, outcome: outcome, reason: maskedReason, code: code, at: finishedAt, promote: promote, token: token)
        await announce(NotificationEvent(outcome), outcome: outcome, reason: maskedReason, code: code)
        if promote {
            await engine.observer.observe(.stepFinished(.promote, .ok, elapsed: elapsed(since: finishStart), detail: "\(environment) runs \(request.release)"))
        }
        _ = machine.handle(.finished)
        return summary(outcome: outcome, reason: maskedReason, code: code, finishedAt: finishedAt)
    }

    /// Puts an event into the outbox for the environment's webhooks, described as it is now;
    /// delivery happens later, by whichever gantry process delivers next. A store that fails
    /// here loses the notification, never the deployment. Recoveries announce nothing.
    func announce(_ event: NotificationEvent, outcome: Outcome? = nil, reason: String? = nil, code: ReasonCode? = nil) async {
        let hooks = request.environment.notify
        guard !hooks.isEmpty, request.kind != .recover, let record else { return }
        let progress = isRollout ? RolloutProgress(batch: machine.batch, batches: batches.count, hosts: batches[min(machine.batch, batches.count) - 1].map(\.name)) : nil
        let payload = NotificationPayload(event: event, record: record, outcome: outcome, reason: reason, code: code, batch: progress, at: engine.clock.now())
        let items = payload.outboxItems(for: hooks)
        guard !items.isEmpty else { return }
        try? await store.enqueueNotifications(items)
    }

    func journal(_ event: JournalEvent) async throws(StoreError) {
        try await store.append(event, to: id, at: engine.clock.now(), token: token)
    }

    private mutating func recordRefusal(reason: String, code: ReasonCode) async throws(StoreError) -> DeploymentSummary {
        let masked = masker.mask(reason)
        let now = engine.clock.now()
        let refused = DeploymentRecord(
            id: id, environment: environment, release: request.release.value, kind: request.kind, startedAt: startedAt,
            origin: request.origin, forced: request.force
        )
        try await store.beginDeployment(refused, token: nil)
        record = refused
        var finished = JournalEvent(kind: .deploymentFinished, message: masked, outcome: .refused)
        finished.reasonCode = code
        try await store.append(finished, to: id, at: now, token: nil)
        try await store.finishDeployment(id, outcome: .refused, reason: masked, code: code, at: now, promote: false, token: nil)
        await announce(.refused, outcome: .refused, reason: masked, code: code)
        return summary(outcome: .refused, reason: masked, code: code, finishedAt: now)
    }

    private func release() async throws(StoreError) {
        if let token { try await store.releaseLock(environment: environment, token: token) }
    }

    func elapsed(since start: Date) -> Duration {
        .milliseconds(Int64((engine.clock.now().timeIntervalSince(start) * 1000).rounded()))
    }

    private func summary(outcome: Outcome, reason: String, code: ReasonCode?, finishedAt: Date) -> DeploymentSummary {
        DeploymentSummary(
            id: id, environment: environment, release: request.release.value, outcome: outcome, reason: reason,
            previousRelease: previous, startedAt: startedAt, finishedAt: finishedAt, attempts: attempts,
            rolledBackTo: machine.rolledBackTo, reasonCode: code
        )
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
