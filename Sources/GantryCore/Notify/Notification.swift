package import Foundation

/// One event for one webhook, waiting in the store's outbox until it is delivered.
///
/// Deliveries happen after the deployment has recorded what they announce, from whichever
/// gantry process runs next (the deploy itself, a later command, `gantry serve`): a webhook
/// that is down never delays or fails a deploy, and nothing is lost when it is.
package struct OutboxItem: Sendable, Hashable, Codable {
    /// Unique per deployment, event and webhook: enqueuing twice is a no-op.
    package var key: String
    /// Sent as `Idempotency-Key`: the deployment and the event, the same on every retry, so a
    /// receiver that saw it already can drop a second delivery.
    package var idempotencyKey: String
    package var environment: String
    package var deploymentID: DeploymentID
    package var event: NotificationEvent
    /// `WebhookConfig.id` of the webhook it goes to.
    package var webhook: String
    /// The body, rendered (masked) when the event happened.
    package var body: String
    package var createdAt: Date
    package var attempts: Int
    package var nextAttemptAt: Date
    package var deliveredAt: Date?
    package var lastError: String?
    /// What the receiving end named it: the GitHub deployment a mirror's `started` created.
    package var remoteID: String?

    package init(
        key: String, idempotencyKey: String, environment: String, deploymentID: DeploymentID, event: NotificationEvent, webhook: String,
        body: String, createdAt: Date, attempts: Int = 0, nextAttemptAt: Date? = nil, deliveredAt: Date? = nil, lastError: String? = nil
    ) {
        self.key = key
        self.idempotencyKey = idempotencyKey
        self.environment = environment
        self.deploymentID = deploymentID
        self.event = event
        self.webhook = webhook
        self.body = body
        self.createdAt = createdAt
        self.attempts = attempts
        self.nextAttemptAt = nextAttemptAt ?? createdAt
        self.deliveredAt = deliveredAt
        self.lastError = lastError
    }
}

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
    package var runUrl: String?
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

/// When a failed delivery is tried again: 5 s, 10 s, 20 s … doubling up to an hour; after
/// `maxAttempts` it is given up (and stays in the outbox with its last error).
package enum DeliveryBackoff {
    package static let maxAttempts = 20

    package static func delay(afterAttempt attempt: Int) -> Duration {
        .seconds(min(3600, 5 * (1 << min(max(attempt - 1, 0), 12))))
    }
}
