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

    /// Reads and validates the configuration, or fails with every problem listed (exit 2).
    /// URL fields written as a whole `${VAR}` are checked now, against the values this
    /// process sees (`checkDeferred`; `validate` only lists them).
    func loadConfig(checkDeferred: Bool = true) throws(Failure) -> GantryConfig {
        let path = PathText.join(workingDirectory, configPath)
        guard FileManager.default.fileExists(atPath: path) else {
            throw .usage("no configuration at \(configPath) (looked in \(PathText.directory(of: path))); run 'gantry init' to write an example, or pass -c FILE")
        }
        guard let data = FileManager.default.contents(atPath: path) else {
            throw .usage("cannot read \(configPath): permission denied or not a file")
        }
        guard let text = String(validating: data, as: UTF8.self) else {
            throw .usage("\(configPath) is not UTF-8 text")
        }
        let config: GantryConfig
        do {
            config = try ConfigParser.parse(text: text, file: configPath, directory: PathText.directory(of: path))
        } catch {
            throw .config(error)
        }
        logger.debug("config loaded", metadata: [
            "file": "\(path)", "environments": "\(config.environments.map(\.name).joined(separator: ","))",
        ])
        let problems = checkDeferred ? DeferredURL.problems(config.deferredURLs, environment: environment) : []
        if !problems.isEmpty {
            throw .usage("\(configPath): " + problems.joined(separator: "; ") + "; nothing was changed")
        }
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

    /// Where the state lives: `--state`, then `$GANTRY_STATE` (both relative to the current
    /// directory), then the config's `state:` (relative to the config file).
    func storeLocation(config: GantryConfig?) throws(Failure) -> StoreLocation {
        do {
            if let url = options.state ?? environment["GANTRY_STATE"] {
                return try StoreLocation.parse(url, relativeTo: workingDirectory)
            }
            var state = config?.state ?? GantryConfig.defaultState
            if let variable = DeferredURL.variable(in: state) {
                guard let value = environment[variable] else {
                    throw Failure.usage("state: ${\(variable)} is not set; export the variable that holds the state store URL")
                }
                state = value
            }
            return try StoreLocation.parse(state, relativeTo: config?.directory ?? workingDirectory)
        } catch let failure as Failure {
            throw failure
        } catch let error as StoreError {
            throw .store(error)
        } catch {
            throw .usage("state: \(error)")
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

    /// Who is deploying: this host and process, the runner, and the CI run when there is one.
    func origin(runner: String?) -> Origin {
        var runURL: String?
        if let server = environment["GITHUB_SERVER_URL"], let repository = environment["GITHUB_REPOSITORY"], let run = environment["GITHUB_RUN_ID"] {
            runURL = "\(server)/\(repository)/actions/runs/\(run)"
        }
        return Origin(
            host: ProcessInfoHost.name, pid: ProcessInfo.processInfo.processIdentifier,
            // The runner a gate identified, else the name the CI gives (no config is read here).
            runner: thisRunner([], flag: runner),
            actor: environment["GITHUB_ACTOR"] ?? environment["USER"], runURL: runURL, commit: environment["GITHUB_SHA"],
            process: LocalIdentity.current
        )
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
