import ArgumentParser
import Foundation
import GantryCore
import GantryExec
import GantryTerminal

struct ValidateCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "validate",
        abstract: "Check the configuration and print every error with its line and column.",
        discussion: "Exits 0 when the file is valid and 2 when it is not. Needs no secrets: ${VAR} references are checked for syntax only. Each inventory is read, by ansible-inventory when it is on PATH (else the built-in parser), and validate says which read it."
    )

    @OptionGroup var global: GlobalOptions

    @Flag(help: "Print the result as JSON.")
    var json = false

    func run() async throws {
        let context = Context(options: global)
        let result = Result { () throws(Failure) -> GantryConfig in try context.loadConfig(checkDeferred: false) }
        var inventories: [InventoryView] = []
        var warnings: [String] = []
        if case .success(let config) = result {
            let path = context.environment["PATH"] ?? "/usr/local/bin:/usr/bin:/bin"
            for environment in config.environments {
                // A program this runner cannot start: a warning here (the config may be
                // validated on a machine that is not a runner); preflight refuses the deploy.
                for verdict in ProgramCheck.verdicts(environment, directory: config.directory, path: path, processEnvironment: context.environment, find: context.processes.findExecutable) where verdict.found == nil {
                    warnings.append("\(environment.name): \(verdict.message)")
                }
                // The inventory is read to say who reads it and what it holds; one that cannot
                // be read now (not checked out here, generated at deploy time) is a warning:
                // the commands that use it fail on it then, with exit 2.
                do throws(Failure) {
                    if let reading = try await context.inventory(of: environment, in: config) {
                        inventories.append(InventoryView(environment: environment.name, path: environment.inventory ?? "", reading: reading))
                    }
                } catch {
                    inventories.append(InventoryView(environment: environment.name, path: environment.inventory ?? "", unreadable: error.message))
                }
            }
        }
        switch result {
        case .success(let config):
            if json {
                JSONOutput.print(ValidationView(
                    valid: true, file: config.file, environments: config.environments.map(\.name), errors: [],
                    checkedAtRunTime: config.deferredURLs.map { RunTimeCheckView(keyPath: $0.keyPath, variable: $0.variable, prefixes: $0.prefixes) },
                    inventories: inventories, warnings: warnings
                ))
            } else {
                let names = config.environments.map(\.name).joined(separator: ", ")
                var text = "\(config.file) is valid: \(config.environments.count) environment(s): \(names)\n"
                for inventory in inventories {
                    text += "  inventory of \(inventory.environment), \(inventory.path): \(inventory.hosts) host(s), read by \(inventory.reader)\n"
                    for note in inventory.notes { text += "    warning: \(note)\n" }
                }
                for warning in warnings { text += "  warning: \(warning)\n" }
                for url in config.deferredURLs {
                    text += "  \(url.keyPath) is ${\(url.variable)}: checked when it is read (must start with \(url.prefixes.joined(separator: " or ")))\n"
                }
                Console.write(text, to: STDOUT_FILENO)
            }
        case .failure(let failure):
            guard json else { throw failure }
            let errors = failure.issues.isEmpty
                ? [ConfigErrorView(file: context.configPath, line: nil, column: nil, keyPath: "", message: failure.message, hint: nil)]
                : failure.issues.map(ConfigErrorView.init)
            JSONOutput.print(ValidationView(valid: false, file: context.configPath, environments: [], errors: errors))
            throw Failure(kind: .usage, message: "")
        }
    }
}

/// `validate --json`.
struct ValidationView: Encodable {
    var valid: Bool
    var file: String
    var environments: [String]
    /// Each problem with where it is and what to write instead.
    var errors: [ConfigErrorView]
    /// URL fields written as a whole `${VAR}`, whose form is checked when they are read.
    var checkedAtRunTime: [RunTimeCheckView] = []
    /// Each environment's inventory, and what read it.
    var inventories: [InventoryView] = []
    /// What this machine could not do with a valid config: a deploy or rollback program it
    /// cannot start (preflight refuses those deploys).
    var warnings: [String] = []
}

/// An inventory as validate read it: who read it, each host's address, each group's hosts.
struct InventoryView: Encodable {
    var environment: String
    var path: String
    var reader: String
    var hosts: Int
    var notes: [String]
    var addresses: [HostView]
    /// Every group with its hosts (children included), sorted by name.
    var groups: [String: [String]]

    struct HostView: Encodable {
        var name: String
        var address: String
        var port: Int?
    }

    init(environment: String, path: String, unreadable: String) {
        self.environment = environment
        self.path = path
        reader = "none: not readable now"
        hosts = 0
        notes = [unreadable]
        addresses = []
        groups = [:]
    }

    init(environment: String, path: String, reading: ReadInventory) {
        self.environment = environment
        self.path = path
        reader = reading.reader
        hosts = reading.inventory.hosts.count
        notes = reading.notes
        addresses = reading.inventory.hosts.map { HostView(name: $0.name, address: $0.address, port: $0.port) }
        var groups: [String: [String]] = [:]
        for group in reading.inventory.groupNames where group != "ungrouped" {
            groups[group] = reading.inventory.hosts(inGroup: group).map(\.name).sorted()
        }
        self.groups = groups
    }
}

/// One configuration error as `validate --json` lists it.
struct ConfigErrorView: Encodable {
    var file: String
    var line: Int?
    var column: Int?
    var keyPath: String
    var message: String
    var hint: String?

    init(file: String, line: Int?, column: Int?, keyPath: String, message: String, hint: String?) {
        self.file = file
        self.line = line
        self.column = column
        self.keyPath = keyPath
        self.message = message
        self.hint = hint
    }

    init(_ issue: ConfigIssue) {
        self.init(file: issue.file, line: issue.position?.line, column: issue.position?.column, keyPath: issue.keyPath, message: issue.message, hint: issue.hint)
    }
}

struct RunTimeCheckView: Encodable {
    var keyPath: String
    var variable: String
    var prefixes: [String]
}
