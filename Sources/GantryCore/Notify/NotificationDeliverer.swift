import Foundation

/// Delivers what is due in the outbox to the webhooks of a configuration: in enqueue order,
/// each item with an `Idempotency-Key` (its deployment and event) that stays the same on
/// every retry, so a receiver sees every event exactly once however often it is sent. A
/// failure is retried with backoff by whichever gantry process delivers next; a later event
/// of the same deployment waits behind a failed earlier one, so they arrive in order.
package struct NotificationDeliverer: Sendable {
    let store: any StateStore
    let transport: any WebhookTransport
    let clock: any GantryClock

    package init(store: any StateStore, transport: any WebhookTransport, clock: any GantryClock = SystemClock()) {
        self.store = store
        self.transport = transport
        self.clock = clock
    }

    /// How a round of deliveries went.
    package struct Report: Sendable, Hashable {
        package var delivered = 0
        package var failed = 0

        package init() {}
    }

    /// Delivers due items of `webhooks` until none is due or `budget` is spent. Never throws:
    /// a store or webhook that fails leaves the items for a later round.
    package func deliverDue(webhooks: [WebhookConfig], environment: [String: String], masker: SecretMasker, budget: Duration) async -> Report {
        var report = Report()
        guard !webhooks.isEmpty else { return report }
        let hooks = Dictionary(webhooks.map { ($0.id, $0) }, uniquingKeysWith: { first, _ in first })
        let started = clock.now()
        while clock.now().timeIntervalSince(started) < budget.seconds, !Task.isCancelled {
            let now = clock.now()
            let claimed: [OutboxItem]
            do {
                // Claimed for longer than a round can take (20 items, each within its timeout),
                // so no other deliverer takes one while it is being sent.
                claimed = try await store.claimNotifications(dueAt: now, until: now.addingTimeInterval(max(300, 60 * 20)), limit: 20)
            } catch {
                return report
            }
            if claimed.isEmpty { return report }
            var held: [String: Date] = [:]
            for var item in claimed {
                let lane = "\(item.deploymentID.rawValue)/\(item.webhook)"
                if clock.now().timeIntervalSince(started) >= budget.seconds {
                    // Out of budget: back to the outbox, due now, not counted as an attempt.
                    item.attempts -= 1
                    item.nextAttemptAt = now
                    try? await store.settleNotification(item)
                    continue
                }
                if held[lane] == nil, let earlier = await undeliveredBefore(item) {
                    held[lane] = earlier
                }
                if let hook = hooks[item.webhook], held[lane] == nil {
                    let result = await send(&item, to: hook, environment: environment, masker: masker)
                    item.lastError = result
                    if result == nil {
                        item.deliveredAt = clock.now()
                        report.delivered += 1
                    } else {
                        item.nextAttemptAt = clock.now().addingTimeInterval(DeliveryBackoff.delay(afterAttempt: item.attempts).seconds)
                        held[lane] = item.nextAttemptAt
                        report.failed += 1
                    }
                } else {
                    // Not this config's webhook (another config shares the store), or waiting
                    // behind an earlier event of its deployment: not an attempt.
                    item.attempts -= 1
                    item.nextAttemptAt = held[lane] ?? now.addingTimeInterval(60)
                }
                try? await store.settleNotification(item)
            }
        }
        return report
    }

    /// When the first undelivered item enqueued before `item` for the same deployment and
    /// webhook is due again, if there is one: `item` waits for it, so events arrive in order.
    func undeliveredBefore(_ item: OutboxItem) async -> Date? {
        guard let lane = try? await store.notifications(of: item.deploymentID).filter({ $0.webhook == item.webhook }) else { return nil }
        for other in lane {
            if other.key == item.key { return nil }
            if other.deliveredAt == nil, other.attempts < DeliveryBackoff.maxAttempts { return other.nextAttemptAt }
        }
        return nil
    }

    /// One attempt, outside the outbox; nil when the webhook took it (2xx), else why not (masked).
    package func send(_ item: inout OutboxItem, to hook: WebhookConfig, environment: [String: String], masker: SecretMasker) async -> String? {
        if let mirror = hook.github {
            return await GitHubDeploymentsMirror(store: store, transport: transport).send(&item, mirror: mirror, api: hook.url, timeout: hook.timeout, environment: environment, masker: masker)
        }
        let url: String
        do {
            url = try Interpolation.expand(hook.url, environment: environment)
        } catch {
            return "\(error)"
        }
        var signing: WebhookSigningPlan?
        if let variable = hook.secretEnv {
            guard let value = environment[variable], !value.isEmpty else { return "\(variable) (secret_env) is not set: not sending unsigned" }
            let key: Data
            do {
                key = try hook.signature.key(fromSecret: value)
            } catch {
                return error.describe(variable: variable) + ": not sending unsigned"
            }
            // `webhook-id` is the outbox item's key (deployment, event, webhook): the same on
            // every retry, so a receiver dedupes on it. The timestamp is this attempt's.
            signing = WebhookSigningPlan(
                scheme: hook.signature, key: key, id: item.key,
                timestamp: Int64(clock.now().timeIntervalSince1970.rounded(.down)), body: item.body
            )
        }
        let headers = [
            "Content-Type": "application/json", "Idempotency-Key": item.idempotencyKey, "X-Gantry-Event": item.event.rawValue,
            "X-Gantry-Delivery": item.key, "User-Agent": "gantry-notify",
        ]
        switch await transport.post(url: url, body: item.body, headers: headers, signing: signing, timeout: hook.timeout) {
        case .success(let answer) where (200..<300).contains(answer.status):
            return nil
        case .success(let answer):
            return "HTTP \(answer.status)"
        case .failure(let failure):
            return masker.mask(failure.message)
        }
    }
}
