import Foundation

/// What may refuse a deployment before it takes the lease, and the alert gate asked again
/// during a rollout: freezes, freeze windows, the circuit breaker, Alertmanager.
extension DeploymentRun {
    /// Why this deployment may not start: frozen, inside a freeze window, the circuit breaker
    /// is open, or Alertmanager has matching alerts firing (`protect.alertmanager`).
    func protection() async throws(StoreError) -> Refusal? {
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

    /// During a rollout `protect.alertmanager` is asked again each time a batch has passed its
    /// checks: a matching alert that fires mid-rollout (an incident the release may have
    /// caused, or one it must not deepen) fails the batch like a failing check, so the hosts
    /// deployed so far are rolled back. Alertmanager unreachable follows `on_unreachable`. A
    /// deploy that overrode the gate to start is not stopped by it. Returns the verdict as a
    /// check result, already journaled and shown, and its reason code when it failed.
    func watchAlerts() async throws(StoreError) -> (CheckResult, ReasonCode?)? {
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
}
