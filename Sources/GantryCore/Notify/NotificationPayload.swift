package import Foundation

/// What a notification says: the payload of the `json` format, and the line of the `slack`
/// one. Built from what the store knows at the moment of the event, never later, so a
/// notification cannot carry a newer state than its event's.
package struct NotificationPayload: Sendable, Hashable, Codable {
    package var id: String
    package var event: NotificationEvent
    package var deploymentId: String
    package var environment: String
    package var release: String
    package var outcome: String?
    package var reason: String?
    package var reasonCode: String?
    /// The rollout's batch at the event, if it rolls out.
    package var batch: RolloutProgress?
    package var actor: String?
    var runUrl: String?
    /// The commit deployed, when CI said (`GITHUB_SHA`): a GitHub deployment's `ref`.
    package var commit: String?
    package var at: Date

    package init(event: NotificationEvent, record: DeploymentRecord, outcome: Outcome?, reason: String?, code: ReasonCode?, batch: RolloutProgress?, at: Date) {
        // A rollout can pause once per batch: each pause is an event of its own.
        id = "\(record.id.rawValue)/\(event.rawValue)" + (event == .paused ? "/\(batch?.batch ?? 0)" : "")
        self.event = event
        deploymentId = record.id.rawValue
        environment = record.environment
        release = record.release
        self.outcome = outcome?.rawValue
        self.reason = reason
        reasonCode = code?.rawValue
        self.batch = batch
        actor = record.origin.actor
        runUrl = record.origin.runURL
        commit = record.origin.commit
        self.at = at
    }

    /// One line for a chat channel.
    package var text: String {
        let what = switch event {
        case .started: "deploying \(release)"
        case .paused: "paused deploying \(release)"
        case .breakGlass: "deploying \(release) past its promotion gate or approvals"
        default: "\(release) \(event.rawValue.replacingOccurrences(of: "_", with: " "))"
        }
        var line = "\(environment): \(what)"
        if let batch { line += " (\(batch.text))" }
        if let reason, event != .started { line += ": \(reason)" }
        if let reasonCode { line += " [\(reasonCode)]" }
        if let actor { line += " by \(actor)" }
        if let runUrl { line += " \(runUrl)" }
        return line
    }

    /// The body of `format`.
    package func body(_ format: WebhookConfig.Format) -> String {
        switch format {
        case .json: return String(decoding: JSONDocument.encode(self), as: UTF8.self)
        case .slack: return String(decoding: JSONDocument.encode(["text": text]), as: UTF8.self)
        }
    }

    /// The outbox items of this event: one per webhook that listens to it.
    package func outboxItems(for webhooks: [WebhookConfig]) -> [OutboxItem] {
        webhooks.filter { $0.events.contains(event) }.map { hook in
            OutboxItem(
                key: "\(id)/\(hook.id)", idempotencyKey: id, environment: environment, deploymentID: DeploymentID(rawValue: deploymentId),
                event: event, webhook: hook.id, body: body(hook.github == nil ? hook.format : .json), createdAt: at
            )
        }
    }
}
