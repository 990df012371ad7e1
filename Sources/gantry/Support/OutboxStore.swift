import GantryCore

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
