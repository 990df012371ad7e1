import ArgumentParser
import Foundation
import GantryCore
import GantryExec
import GantryProbes
import GantryServe
import GantryStore
import GantryTelemetry
import GantryTerminal
import Logging

struct ServeCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "serve",
        abstract: "Serve metrics, a status API and a status page; poll runners and checks.",
        discussion: """
            Routes: /metrics (Prometheus text), /healthz, /api/v1/status (JSON) and / (the status \
            page). Deployments, locks and releases are read from the state store every \
            serve.store_interval, so deploys made by any process that shares the store show up. \
            Runners are probed every serve.runner_interval and each environment's checks run every \
            serve.check_interval; a verdict changes only after serve.unhealthy_after failures or \
            serve.healthy_after passes in a row. With serve.token_env set, every route but \
            /healthz needs 'Authorization: Bearer <token>'. SIGTERM or SIGINT stops it cleanly.
            """
    )

    @OptionGroup var global: GlobalOptions

    @Option(help: ArgumentHelp("host:port to listen on (default: serve.listen, else 127.0.0.1:9464).", valueName: "address"))
    var listen: String?

    func run() async throws {
        let context = Context(options: global)
        let config = try context.loadConfig()
        let text = listen ?? config.serve.listen
        guard let address = ListenAddress(text) else { throw Failure.usage("--listen '\(text)' is not host:port, e.g. 127.0.0.1:9464") }
        var token: String?
        if let name = config.serve.tokenEnv {
            guard let value = context.environment[name], !value.isEmpty else {
                throw Failure.usage("serve.token_env names \(name), which is not set: set it, or remove token_env to serve without a token")
            }
            token = value
        }
        if token == nil, config.serve.requireToken {
            throw Failure.usage("serve.require_token is set, but no token is configured: set serve.token_env to a variable that holds one")
        }
        if token == nil, !address.isLoopback {
            Console.write("gantry serve: warning: listening on \(address), which is not a loopback address, without a token: anyone who can reach it reads the status and metrics; set serve.token_env (and serve.require_token: true)\n", to: STDERR_FILENO)
        }
        var targets: [String: [TargetHost]] = [:]
        for environment in config.environments where !environment.checks.isEmpty {
            targets[environment.name] = try await context.targets(for: environment, in: config)
        }
        let source = StoreReader(context: context, config: config)
        let initial = await source.read()
        let board = StatusBoard(
            initial: initial.state, version: GantryVersion.current,
            downAfter: config.serve.unhealthyAfter, upAfter: config.serve.healthyAfter, refreshSeconds: 15
        )
        if let error = initial.error { await board.storeFailed(error) }
        var logger = Logger(label: "gantry.serve") { StreamLogHandler.standardError(label: $0) }
        logger.logLevel = global.verbose ? .debug : .notice
        let serveConfig = config.serve
        let environment = context.environment
        let thisMachine = context.thisRunner(config.runners, flag: nil)
        try await context.withAdapters(config: config) { live in
            let prober = live.prober
            let notifier = Notifier(config: config, environment: environment)
            var deliver: (@Sendable () async -> Void)?
            if !notifier.webhooks.isEmpty {
                // The store is opened for writing (never migrated) once it exists.
                let outbox = OutboxStore(context: context, config: config)
                deliver = {
                    guard let store = await outbox.store() else { return }
                    await notifier.deliver(store: store, transport: prober, budget: .seconds(10))
                }
            }
            let pollers = ServePollers.make(config: config, board: board, sources: ServePollers.Sources(
                readStore: { await source.read() }, deliverNotifications: deliver, prober: prober, targets: targets,
                environment: environment, thisMachine: thisMachine
            ))
            do {
                try await StatusServer.run(
                    board: board, listen: address, token: token, idleTimeout: serveConfig.idleTimeout,
                    maxConnections: DescriptorLimit.connectionCap(wanted: serveConfig.maxConnections),
                    pollers: pollers, logger: logger
                ) { bound in
                    Console.write("gantry serve: listening on http://\(bound.replacingOccurrences(of: "[IPv4]", with: "").components(separatedBy: "/").last ?? bound)\n", to: STDERR_FILENO)
                }
            } catch {
                throw Failure.refused("cannot serve on \(address): \(error)")
            }
        }
    }
}
