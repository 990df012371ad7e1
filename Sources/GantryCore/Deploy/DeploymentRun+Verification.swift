import Foundation

/// Preflight and verification: the checks run, journaled, and their verdict told to the machine.
extension DeploymentRun {
    /// Runs preflight, journals each item, and tells the state machine what failed.
    mutating func preflight() async throws(StoreError) -> DeploymentStateMachine.Action {
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
    mutating func verify(step: Step, inconclusive: [AnalysisVerdict] = []) async throws(StoreError) -> DeploymentStateMachine.Action {
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
}
