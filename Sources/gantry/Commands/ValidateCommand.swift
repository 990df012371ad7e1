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
