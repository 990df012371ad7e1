import ArgumentParser
import Foundation
import GantryCore
import GantryExec
import GantryStore
import GantryTerminal
import Logging

/// Options every command takes.
struct GlobalOptions: ParsableArguments {
    @Option(name: [.customShort("c"), .long], help: ArgumentHelp("The configuration file (default: gantry.yml, or $GANTRY_CONFIG).", valueName: "file"), completion: .file(extensions: ["yml", "yaml"]))
    var config: String?

    @Option(name: .long, help: ArgumentHelp("The state store URL, overriding the config's state: (or $GANTRY_STATE).", valueName: "url"))
    var state: String?

    @Flag(name: [.short, .long], help: "Print only results and errors, not command output.")
    var quiet = false

    @Flag(name: [.short, .long], help: "Print what gantry reads and decides (config, state store, lease) to standard error.")
    var verbose = false

    @Option(help: ArgumentHelp("auto (a terminal without NO_COLOR, or GitHub Actions), always or never.", valueName: "when"))
    var color: ColorChoice = .auto

    @Option(help: ArgumentHelp("Without a terminal (piped, CI): how often a waiting step (the lock, a bake, a pause, checks) says it still waits.", valueName: "duration"))
    var progressInterval = "10s"

    /// `--progress-interval`, at least 100ms.
    func heartbeat() throws(Failure) -> Duration {
        guard let interval = DurationText.parse(progressInterval), interval >= .milliseconds(100) else {
            throw .usage("--progress-interval '\(progressInterval)' is not a duration of at least 100ms, such as 10s")
        }
        return interval
    }
}

/// `--color`'s values, as the terminal module's `ColorMode`.
enum ColorChoice: String, ExpressibleByArgument, CaseIterable {
    case auto, always, never

    var mode: ColorMode { ColorMode(rawValue: rawValue) ?? .auto }
}

/// What a command works with: the process environment, the loaded configuration, the
/// console. Built once per invocation; the only place that reads files for the CLI.
struct Context {
    let options: GlobalOptions
    let environment: [String: String]
    let workingDirectory: String
    /// Diagnostics for `-v`; silent below warnings otherwise. Never given secret values.
    let logger: Logger

    init(options: GlobalOptions) {
        self.options = options
        environment = ProcessInfo.processInfo.environment
        workingDirectory = FileManager.default.currentDirectoryPath
        var logger = Logger(label: "gantry") { StreamLogHandler.standardError(label: $0) }
        logger.logLevel = options.verbose ? .debug : .warning
        self.logger = logger
    }

    var configPath: String {
        options.config ?? environment["GANTRY_CONFIG"] ?? "gantry.yml"
    }

    func console(json: Bool = false) -> Console {
        Console(traits: ConsoleTraits.detect(environment: environment, quiet: options.quiet, verbose: options.verbose, color: options.color.mode))
    }

    /// Reads and validates the configuration (`ConfigLoader`), or fails with every problem
    /// listed (exit 2); `checkDeferred: false` for `validate`, which only lists them.
    func loadConfig(checkDeferred: Bool = true) throws(Failure) -> GantryConfig {
        let config: GantryConfig
        do {
            config = try ConfigLoader.load(configPath, workingDirectory: workingDirectory, processEnvironment: environment, checkDeferred: checkDeferred)
        } catch {
            switch error {
            case .usage(let message): throw .usage(message)
            case .config(let error): throw .config(error)
            }
        }
        logger.debug("config loaded", metadata: [
            "file": "\(config.file)", "environments": "\(config.environments.map(\.name).joined(separator: ","))",
        ])
        return config
    }

    /// The environment called `name`, or a usage failure naming the ones that exist.
    func environment(_ name: String, in config: GantryConfig) throws(Failure) -> EnvironmentConfig {
        guard let environment = config.environment(name) else {
            let known = config.environments.map(\.name).joined(separator: ", ")
            throw .usage("no environment '\(name)' in \(config.file); defined: \(known)")
        }
        return environment
    }

    /// The hosts of an environment: its `targets:` resolved against its inventory, which is
    /// read here (relative to the config file). A missing or broken inventory is bad input.
    func targets(for environment: EnvironmentConfig, in config: GantryConfig) async throws(Failure) -> [TargetHost] {
        let inventory = try await inventory(of: environment, in: config)
        do {
            let targets = try TargetResolver.resolve(environment.targets, inventory: inventory?.inventory)
            logger.debug("targets", metadata: ["environment": "\(environment.name)", "hosts": "\(targets.map(\.name).joined(separator: ","))"])
            return targets
        } catch {
            throw .usage("\(environment.name): \(error)")
        }
    }

    /// The environment's inventory as the chosen reader sees it (`InventoryLoader`), and how
    /// it was read; nil without `inventory:`. A missing or broken inventory is bad input.
    func inventory(of environment: EnvironmentConfig, in config: GantryConfig) async throws(Failure) -> ReadInventory? {
        do {
            return try await InventoryLoader(processEnvironment: self.environment).read(environment, directory: config.directory)
        } catch {
            throw .usage(error.description)
        }
    }

    /// Where the state lives (`StoreLocation.resolve`): `--state`, `$GANTRY_STATE`, the
    /// config's `state:`.
    func storeLocation(config: GantryConfig?) throws(Failure) -> StoreLocation {
        do {
            return try StoreLocation.resolve(flag: options.state, config: config, processEnvironment: environment, workingDirectory: workingDirectory)
        } catch {
            switch error {
            case .usage(let message): throw .usage(message)
            case .store(let storeError): throw .store(storeError)
            }
        }
    }

    /// Opens the store; nil when it does not exist yet and `create` is false. A shared
    /// schema is migrated only by stores opened to change state (`migrate`, by default
    /// `create`); see `StoreLocation.open`.
    func openStore(config: GantryConfig?, create: Bool, migrate: Bool? = nil) async throws(Failure) -> (any StateStore)? {
        let location = try storeLocation(config: config)
        do {
            let store = try await location.open(create: create, migrate: migrate, environment: environment, owner: StoreLifetimes.shared)
            logger.debug("state store", metadata: [
                "location": "\(location)", "mode": "\(create ? "read-write" : "read-only")", "exists": "\(store != nil)",
            ])
            return store
        } catch {
            throw .store(error)
        }
    }

    /// Who is deploying (`Origin.here`): the runner a gate identified, else the name the CI
    /// gives (no config is read here).
    func origin(runner: String?) -> Origin {
        Origin.here(runner: thisRunner([], flag: runner), processEnvironment: environment)
    }

    /// Parses `--wait`: a duration such as 30s or 10m.
    static func wait(_ text: String) throws(Failure) -> Duration {
        guard let duration = DurationText.parse(text) else {
            throw .usage("--wait '\(text)' is not a duration; write it with a unit: 30s, 10m, 0s")
        }
        return duration
    }

    /// Parses a release argument, refusing anything outside the allowed alphabet (exit 2).
    static func release(_ text: String) throws(Failure) -> Release {
        do {
            return try Release(text)
        } catch {
            throw .usage(error.description)
        }
    }
}
