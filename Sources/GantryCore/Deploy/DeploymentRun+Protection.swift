import Foundation

/// What may refuse a deployment before it takes the lease: freezes, freeze windows, the
/// circuit breaker, the promotion gate, approvals, Alertmanager. (During a rollout the alert gate is asked again by
/// `Verification`.)
extension DeploymentRun {
    /// Why this deployment may not start: frozen, inside a freeze window, the circuit breaker
    /// is open, or Alertmanager has matching alerts firing (`protect.alertmanager`).
    mutating func protection() async throws(StoreError) -> Refusal? {
        let config = request.environment
        let state = try await store.environmentState(environment)
        let recent = config.circuitBreaker == nil ? [] : try await store.deployments(environment: environment, limit: 100)
        // A freeze, a freeze window or an open breaker: `--override` passes it (the caller
        // decides), but never the promotion gate or approvals, which are judged first.
        let overridable = Protection.refusal(state: state, recent: recent, windows: config.freezeWindows, circuitBreaker: config.circuitBreaker, now: engine.clock.now())
        if let overridable, request.override == nil { return overridable }
        if let promotion = config.promoteFrom, let refusal = try await promotionGate(promotion) {
            guard let reason = request.skipPromotion else { return refusal }
            breakGlass("promotion gate", reason: reason, refusal: refusal)
        }
        if let approvals = config.approvals {
            let verdict = try await ApprovalCheck(store: store, verifier: engine.signatures).verdict(approvals, request: request, now: engine.clock.now())
            if let refusal = verdict.refusal {
                guard let reason = request.skipPromotion else { return refusal }
                breakGlass("approvals", reason: reason, refusal: refusal)
            } else {
                let signers = verdict.judged.filter(\.counts).compactMap(\.signer)
                pendingNotes.append("approved by \(signers.joined(separator: ", ")) (\(verdict.counted) of \(verdict.required) required)")
            }
        }
        if let overridable { return overridable }
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

    /// Break glass (`--skip-promotion --reason`): deployed anyway past `gate`, said so in the
    /// journal, kept on the record and announced.
    private mutating func breakGlass(_ gate: String, reason: String, refusal: Refusal) {
        let said = masker.mask("\(gate) skipped by \(request.origin.actor ?? request.origin.host): \(reason) (the gate said: \(refusal.text))")
        pendingNotes.append(said)
        brokeGlass = brokeGlass.map { "\($0); \(said)" } ?? said
    }

    /// `promote_from`'s gate. A release still soaking in the source, whose soak ends within
    /// `--wait`, is waited for (a step that says how long is left, so plain logs show progress)
    /// and judged again: a deployment there meanwhile may still refuse it.
    private func promotionGate(_ promotion: PromotionConfig) async throws(StoreError) -> Refusal? {
        let waitUntil = engine.clock.now().addingTimeInterval(request.lockWait.seconds)
        var announced = false
        while true {
            let source = try await store.deployments(environment: promotion.environment, limit: 1000)
            // Judged on the store's clock where it has one: the soak began on it.
            let now = try await store.now() ?? engine.clock.now()
            switch PromotionGate.judge(release: request.release.value, config: promotion, source: source, now: now) {
            case .pass:
                if announced { await engine.observer.observe(.stepFinished(.lock, .ok, elapsed: .zero, detail: "\(request.release) has soaked in \(promotion.environment)")) }
                return nil
            case .refuse(let refusal):
                return refusal
            case .soaking(let refusal, let left):
                guard request.skipPromotion == nil, engine.clock.now().addingTimeInterval(left.seconds) <= waitUntil else { return refusal }
                await engine.observer.observe(.stepStarted(.lock, detail: "waiting \(DurationText.format(left)) for \(request.release) to soak in \(promotion.environment) (--wait): \(refusal.text)"))
                announced = true
                do {
                    // A little past the end, so the next look finds it soaked.
                    try await engine.clock.sleep(for: left + .milliseconds(50))
                } catch {
                    return refusal
                }
            }
        }
    }
}
