import Foundation

/// Preflight and verification of one deployment: the checks run (and, during a rollout, the
/// alert gate asked again), every verdict journaled and shown, and the whole told back as the
/// state machine's event. It decides nothing about what follows; the machine does.
struct Verification: Sendable {
    let prober: any Prober
    let processes: any ProcessControl
    let alerts: any AlertSource
    let observer: any DeploymentObserver
    let clock: any GantryClock
    let timer: any GantryClock
    let escalation: Escalation
    let request: DeploymentRequest
    let masker: SecretMasker
    let journal: RunJournal

    /// Runs preflight (a way back looked for only for a deploy), journals each item, and
    /// says what failed.
    func preflight(lastGood: String?) async throws(StoreError) -> DeploymentStateMachine.Event {
        let start = clock.now()
        let wayBack = request.kind == .deploy
        await observer.observe(.stepStarted(.preflight, detail: "secrets, inventory, tools, disk, reachability\(wayBack ? ", a way back" : "")"))
        let observer = observer
        let results = await PreflightRunner(prober: prober, processes: processes, timer: timer).run(
            environment: request.environment, targets: request.targets, directory: request.directory,
            processEnvironment: request.processEnvironment, lastGood: lastGood, wayBack: wayBack, onResult: { await observer.observe(.checkFinished($0)) }
        )
        for result in results { try await journal.append(.checkResult(result, step: .preflight)) }
        let failures = results.filter { !$0.passed }.map { "\($0.label): \($0.message)" }
        await observer.observe(.stepFinished(
            .preflight, failures.isEmpty ? .ok : .failed, elapsed: clock.elapsed(since: start),
            detail: failures.isEmpty ? "\(results.count) passed" : "\(failures.count) of \(results.count) failed"
        ))
        if Task.isCancelled { return .interrupted }
        return .preflightDone(failures: failures, code: ReasonCode.preflight(results.filter { !$0.passed }))
    }

    /// Verifies `hosts` and says the verdict. During a rollout (`watchAlerts`) the alert gate
    /// is asked again. `inconclusive`: the analyses of the bake before, which pause the
    /// rollout when everything else passes. `changed`: a command has run, so a second
    /// interruption leaves production unrestored (journaled as abandoned).
    func verify(step: Step, hosts: [TargetHost], watchAlerts: Bool, inconclusive: [AnalysisVerdict] = [], changed: Bool) async throws(StoreError) -> DeploymentStateMachine.Event {
        var results = try await checks(step: step, hosts: hosts)
        var alertCode: ReasonCode?
        var alertPause: String?
        if step == .verify, watchAlerts, !escalation.isRaised, let (watched, code) = try await askAlertGate() {
            if code == .activeAlerts, request.environment.alertGate?.duringRollout == .pause {
                alertPause = watched.message
            } else {
                results.append(watched)
                alertCode = code
            }
        }
        if escalation.isRaised {
            if changed { try await journal.append(JournalEvent(kind: .abandoned, message: "stopped at once by a second interruption")) }
            return .stoppedAtOnce(changed: changed)
        }
        if Task.isCancelled, step == .verify { return .interrupted }
        let failures = results.filter { !$0.passed }.map { "\($0.label): \($0.message)" }
        let checkCode = ReasonCode.checks(results.filter { !$0.passed && $0.kind != AlertGateConfig.checkKind })
        if failures.isEmpty, !inconclusive.isEmpty || alertPause != nil {
            let reasons = inconclusive.map { "analysis \($0.name) inconclusive: \($0.message)" } + (alertPause.map { ["alertmanager (during_rollout: pause): \($0)"] } ?? [])
            return .inconclusive(reasons.joined(separator: "; "), checked: results.count)
        }
        return .verified(failures: failures, checked: results.count, code: checkCode ?? alertCode)
    }

    /// Runs the environment's checks (`{host}` checks for `hosts`) and journals every
    /// verdict; shielded from an earlier interruption when it verifies a rollback.
    func checks(step: Step, hosts: [TargetHost]) async throws(StoreError) -> [CheckResult] {
        let environment = request.environment
        let start = clock.now()
        let planned = CheckRunner.plan(environment.checks, targets: hosts)
        let announce = planned.isEmpty ? "no checks configured" : "\(planned.count) check\(planned.count == 1 ? "" : "s")"
        try await journal.append(JournalEvent(kind: .verificationStarted, step: step.rawValue, message: announce))
        await observer.observe(.stepStarted(step, detail: announce))
        let observer = observer
        let runner = CheckRunner(prober: prober, clock: clock, timer: timer)
        let processEnvironment = request.processEnvironment
        let masker = masker
        let work: @Sendable () async -> [CheckResult] = {
            await runner.run(
                environment.checks, targets: hosts, environment: processEnvironment, masker: masker,
                concurrency: environment.checkConcurrency, deadline: environment.verifyTimeout,
                onResult: { await observer.observe(.checkFinished($0)) }
            )
        }
        let shielded = Task.isCancelled && step != .verify
        let escalation = escalation
        let guarded: @Sendable () async -> [CheckResult] = { await escalation.unlessRaised(work) ?? [] }
        let results = shielded ? await Task { await guarded() }.value : await guarded()
        try await journal.append(results.map { .checkResult($0, step: step) })
        let failed = results.filter { !$0.passed }.count
        await observer.observe(.stepFinished(
            step, failed == 0 ? .ok : .failed, elapsed: clock.elapsed(since: start),
            detail: planned.isEmpty ? "nothing to verify" : "\(results.count - failed) of \(results.count) passed"
        ))
        return results
    }

    /// During a rollout `protect.alertmanager` is asked again each time a batch has passed its
    /// checks: a matching alert that fires mid-rollout (an incident the release may have
    /// caused, or one it must not deepen) fails the batch like a failing check, so the hosts
    /// deployed so far are rolled back. Alertmanager unreachable follows `on_unreachable`. A
    /// deploy that overrode the gate to start is not stopped by it. Returns the verdict as a
    /// check result, already journaled and shown, and its reason code when it failed.
    private func askAlertGate() async throws(StoreError) -> (CheckResult, ReasonCode?)? {
        guard let gate = request.environment.alertGate, request.override == nil else { return nil }
        let start = clock.now()
        let answer: AlertQuery
        do {
            let url = try Interpolation.expand(gate.url, environment: request.processEnvironment)
            answer = await alerts.activeAlerts(gate, url: url, timeout: gate.timeout)
        } catch {
            answer = .unreachable("a ${VAR} in its url is not set")
        }
        let verdict = gate.judge(answer, environment: request.environment.name)
        let message = verdict.refusal?.text ?? verdict.note ?? "no matching alert is active"
        let result = CheckResult(
            name: "alertmanager", kind: AlertGateConfig.checkKind, target: nil, passed: verdict.refusal == nil,
            outcome: verdict.refusal == nil ? .pass : .fail, attempts: 1,
            latencyMilliseconds: clock.elapsed(since: start).milliseconds, message: masker.mask(message)
        )
        try await journal.append(.checkResult(result, step: .verify))
        await observer.observe(.checkFinished(result))
        return (result, verdict.refusal?.code)
    }
}
