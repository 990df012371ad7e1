import Foundation
package import GantryCore
package import GantryTelemetry

/// What `gantry serve` polls, and how often: the store (deployments, locks, releases), the
/// notification outbox when webhooks are configured, the runners when there are any, and
/// each environment's checks when it has some. The policy lives here, beside the board it
/// feeds; the command only hands in the adapters (the store reader, the prober, the
/// deliverer), so which pollers run is decided in one place and tested without a process.
package enum ServePollers {
    /// The adapters the pollers use, built by the command that wires them.
    package struct Sources: Sendable {
        /// Reads the store: the state to show, or why it could not be read.
        var readStore: @Sendable () async -> (state: MonitoringState, error: String?)
        /// Delivers what is due in the outbox; nil when no webhook is configured.
        var deliverNotifications: (@Sendable () async -> Void)?
        package var prober: any Prober & RunnerProber
        /// Each environment's check targets.
        package var targets: [String: [TargetHost]]
        /// The process environment (secrets, `${VAR}`), for checks and runner sources.
        package var environment: [String: String]
        /// This machine's runner name, if it is one of the configured runners.
        var thisMachine: String?

        package init(
            readStore: @escaping @Sendable () async -> (state: MonitoringState, error: String?),
            deliverNotifications: (@Sendable () async -> Void)?, prober: any Prober & RunnerProber, targets: [String: [TargetHost]],
            environment: [String: String], thisMachine: String?
        ) {
            self.readStore = readStore
            self.deliverNotifications = deliverNotifications
            self.prober = prober
            self.targets = targets
            self.environment = environment
            self.thisMachine = thisMachine
        }
    }

    /// The pollers for `config`, each feeding `board`.
    package static func make(config: GantryConfig, board: StatusBoard, sources: Sources) -> [PollingService] {
        let serve = config.serve
        var pollers = [PollingService(name: "store", interval: serve.storeInterval) {
            let read = await sources.readStore()
            if let error = read.error { await board.storeFailed(error) } else { await board.update(read.state) }
        }]
        if let deliver = sources.deliverNotifications {
            // Retries what deploys could not deliver.
            pollers.append(PollingService(name: "notifications", interval: serve.storeInterval, work: deliver))
        }
        if !config.runners.isEmpty {
            let runners = config.runners
            pollers.append(PollingService(name: "runners", interval: serve.runnerInterval) {
                let health = await RunnerHealthCheck(prober: sources.prober).run(runners, thisMachine: sources.thisMachine, environment: sources.environment)
                await board.observe(Observations.runners(health, at: Date()))
            })
        }
        for environment in config.environments where !environment.checks.isEmpty {
            let hosts = sources.targets[environment.name] ?? []
            let masker = SecretMasker.forEnvironment(environment, processEnvironment: sources.environment)
            pollers.append(PollingService(name: "checks-\(environment.name)", interval: serve.checkInterval) {
                let results = await CheckRunner(prober: sources.prober).run(
                    environment.checks, targets: hosts, environment: sources.environment, masker: masker,
                    concurrency: environment.checkConcurrency, deadline: environment.verifyTimeout
                )
                await board.observe(Observations.checks(results, environment: environment.name, at: Date()))
            })
        }
        return pollers
    }
}
