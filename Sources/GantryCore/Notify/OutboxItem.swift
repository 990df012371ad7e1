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
    var createdAt: Date
    package var attempts: Int
    package var nextAttemptAt: Date
    package var deliveredAt: Date?
    package var lastError: String?
    /// What the receiving end named it: the GitHub deployment a mirror's `started` created.
    var remoteID: String?

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
