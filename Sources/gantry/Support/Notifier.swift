import GantryCore

/// Delivers the outbox to the webhooks of the config (`notify:`): while and after a
/// deployment runs, and on every store poll of `gantry serve`. Each round has a budget, so a
/// webhook that hangs costs a deploy at most a few seconds after its outcome is recorded,
/// and never the outcome itself.
struct Notifier {
    let config: GantryConfig
    let environment: [String: String]

    /// Every environment's webhooks, each once.
    var webhooks: [WebhookConfig] {
        var seen: Set<String> = []
        return config.environments.flatMap(\.notify).filter { seen.insert($0.id).inserted }
    }

    /// Hides every environment's secrets in delivery errors.
    var masker: SecretMasker {
        SecretMasker(values: config.environments.flatMap { SecretMasker.forEnvironment($0, processEnvironment: environment).allValues })
    }

    @discardableResult
    func deliver(store: any StateStore, transport: any WebhookTransport, budget: Duration) async -> NotificationDeliverer.Report {
        let hooks = webhooks
        guard !hooks.isEmpty else { return NotificationDeliverer.Report() }
        return await NotificationDeliverer(store: store, transport: transport).deliverDue(webhooks: hooks, environment: environment, masker: masker, budget: budget)
    }

    /// Delivers every second until stopped: events reach their webhooks while a deployment
    /// runs (started, paused), not only once it has ended. Stopping lets a delivery in flight
    /// finish rather than cancelling it half-way (a created GitHub deployment without its
    /// status).
    func deliverWhileRunning(store: any StateStore, transport: any WebhookTransport) -> BackgroundDelivery? {
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

/// A delivery loop running beside a deployment.
struct BackgroundDelivery {
    let stop: StopFlag
    let task: Task<Void, Never>

    /// Ends the loop after the round in flight.
    func finish() async {
        await stop.set()
        await task.value
    }
}

actor StopFlag {
    private(set) var isSet = false
    func set() { isSet = true }
}

/// The store `gantry serve` delivers notifications from: opened for writing, without
/// migrating, once it exists.
actor OutboxStore {
    let context: Context
    let config: GantryConfig
    private var opened: (any StateStore)?

    init(context: Context, config: GantryConfig) {
        self.context = context
        self.config = config
    }

    func store() async -> (any StateStore)? {
        if let opened { return opened }
        guard (try? await context.openStore(config: config, create: false)) ?? nil != nil else { return nil }
        opened = (try? await context.openStore(config: config, create: true, migrate: false)) ?? nil
        return opened
    }
}
