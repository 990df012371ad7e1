import Foundation

/// What a deployment leaves for others to read: its outcome recorded (the journal's last
/// entries, the deployment's row, the release promoted to current and last good) and the
/// notifications put into the outbox. Delivery happens later, by whichever gantry process
/// delivers next; a store that fails while enqueueing loses the notification, never the
/// deployment. Recoveries announce nothing (`silent`).
struct Announcer: Sendable {
    let store: any StateStore
    let observer: any DeploymentObserver
    let clock: any GantryClock
    let journal: RunJournal
    let hooks: [WebhookConfig]
    let silent: Bool

    /// Puts `event` into the outbox for the environment's webhooks, describing `record` as it
    /// is now (`batch`: where a rollout is).
    func announce(_ event: NotificationEvent, record: DeploymentRecord?, batch: RolloutProgress?, outcome: Outcome? = nil, reason: String? = nil, code: ReasonCode? = nil) async {
        guard !hooks.isEmpty, !silent, let record else { return }
        let payload = NotificationPayload(event: event, record: record, outcome: outcome, reason: reason, code: code, batch: batch, at: clock.now())
        let items = payload.outboxItems(for: hooks)
        guard !items.isEmpty else { return }
        try? await store.enqueueNotifications(items)
    }

    /// Records how `record` ended (`reason` already masked), promotes its release when asked,
    /// and announces it. Returns when it was recorded.
    func recordOutcome(
        _ outcome: Outcome, of record: DeploymentRecord, reason: String, code: ReasonCode?, cause: ReasonCode?, promote: Bool, batch: RolloutProgress?
    ) async throws(StoreError) -> Date {
        let start = clock.now()
        if promote {
            await observer.observe(.stepStarted(.promote, detail: "recording \(record.release) as current and last good"))
            try await journal.append(JournalEvent(kind: .promoting, release: record.release))
        }
        var finished = JournalEvent(kind: .deploymentFinished, message: reason, outcome: outcome)
        finished.reasonCode = code
        finished.causeCode = code == nil ? nil : cause
        try await journal.append(finished)
        let finishedAt = clock.now()
        try await store.finishDeployment(record.id, outcome: outcome, reason: reason, code: code, at: finishedAt, promote: promote, token: journal.token)
        await announce(NotificationEvent(outcome), record: record, batch: batch, outcome: outcome, reason: reason, code: code)
        if promote {
            await observer.observe(.stepFinished(.promote, .ok, elapsed: clock.elapsed(since: start), detail: "\(record.environment) runs \(record.release)"))
        }
        return finishedAt
    }

    /// Records `record` as refused for `reason` (already masked): it changed nothing, so it
    /// is written without a lease.
    func recordRefusal(_ record: DeploymentRecord, reason: String, code: ReasonCode) async throws(StoreError) -> Date {
        let now = clock.now()
        try await store.beginDeployment(record, token: nil)
        var finished = JournalEvent(kind: .deploymentFinished, message: reason, outcome: .refused)
        finished.reasonCode = code
        try await store.append(finished, to: record.id, at: now, token: nil)
        try await store.finishDeployment(record.id, outcome: .refused, reason: reason, code: code, at: now, promote: false, token: nil)
        await announce(.refused, record: record, batch: nil, outcome: .refused, reason: reason, code: code)
        return now
    }
}
