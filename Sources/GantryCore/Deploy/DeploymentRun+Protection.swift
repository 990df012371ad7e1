import Foundation

/// What may refuse a deployment before it takes the lease: freezes, freeze windows, the
/// circuit breaker, Alertmanager. (During a rollout the alert gate is asked again by
/// `Verification`.)
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
        if let promotion = config.promoteFrom {
            let source = try await store.deployments(environment: promotion.environment, limit: 1000)
            if let refusal = PromotionGate.refusal(release: request.release.value, config: promotion, source: source, now: engine.clock.now()) {
                guard let reason = request.skipPromotion else { return refusal }
                // Break glass: deployed anyway, and said so in the journal and the outcome.
                pendingNotes.append(masker.mask("promotion gate skipped by \(request.origin.actor ?? request.origin.host): \(reason) (the gate said: \(refusal.text))"))
            }
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
}
