import Foundation

/// What a deployment leaves behind: its journal, its recorded outcome or refusal, and the
/// notifications put into the outbox.
extension DeploymentRun {
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

    mutating func recordRefusal(reason: String, code: ReasonCode) async throws(StoreError) -> DeploymentSummary {
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

    func summary(outcome: Outcome, reason: String, code: ReasonCode?, finishedAt: Date) -> DeploymentSummary {
        DeploymentSummary(
            id: id, environment: environment, release: request.release.value, outcome: outcome, reason: reason,
            previousRelease: previous, startedAt: startedAt, finishedAt: finishedAt, attempts: attempts,
            rolledBackTo: machine.rolledBackTo, reasonCode: code
        )
    }

    /// Notes to journal once the deployment row exists.
    func journalLater(_ note: String) async throws(StoreError) {
        pendingNotes.append(note)
    }
}
