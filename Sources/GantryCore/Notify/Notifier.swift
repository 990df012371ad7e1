/// Delivers the outbox to the webhooks of the config (`notify:`): while and after a
/// deployment runs, and on every store poll of `gantry serve`. Each round has a budget, so a
/// webhook that hangs costs a deploy at most a few seconds after its outcome is recorded,
/// and never the outcome itself.
package struct Notifier: Sendable {
    let config: GantryConfig
    let environment: [String: String]

    package init(config: GantryConfig, environment: [String: String]) {
        self.config = config
        self.environment = environment
    }

    /// Every environment's webhooks, each once.
    package var webhooks: [WebhookConfig] {
        var seen: Set<String> = []
        return config.environments.flatMap(\.notify).filter { seen.insert($0.id).inserted }
    }

    /// Hides every environment's secrets in delivery errors.
    var masker: SecretMasker {
        SecretMasker(values: config.environments.flatMap { SecretMasker.forEnvironment($0, processEnvironment: environment).allValues })
    }

    @discardableResult
    package func deliver(store: any StateStore, transport: any WebhookTransport, budget: Duration) async -> NotificationDeliverer.Report {
        let hooks = webhooks
        guard !hooks.isEmpty else { return NotificationDeliverer.Report() }
        return await NotificationDeliverer(store: store, transport: transport).deliverDue(webhooks: hooks, environment: environment, masker: masker, budget: budget)
    }

    /// Delivers every second until stopped: events reach their webhooks while a deployment
    /// runs (started, paused), not only once it has ended. Stopping lets a delivery in flight
    /// finish rather than cancelling it half-way (a created GitHub deployment without its
    /// status).
    package func deliverWhileRunning(store: any StateStore, transport: any WebhookTransport) -> BackgroundDelivery? {
        guard !webhooks.isEmpty else { return nil }
        let stop = StopFlag()
        let task = Task {
            while await !stop.isSet {
                await deliver(store: store, transport: transport, budget: .seconds(2))
                for _ in 0..<10 where await !stop.isSet { try? await Task.sleep(for: .milliseconds(100)) }
            }
        }
        return BackgroundDelivery(stop: stop, task: task)
    }
}
