import Foundation
import GantryCore
import GantryExec
import GantryStore
import GantryTerminal
import Logging

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

    /// Parses a release the store recorded, refusing anything outside the allowed alphabet
    /// (exit 2); `--release` and `--to` are parsed with the arguments (`Release.argument`).
    static func release(_ text: String) throws(Failure) -> Release {
        do {
            return try Release(text)
        } catch {
            throw .usage(error.description)
        }
    }
}
