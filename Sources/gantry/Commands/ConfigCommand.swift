import ArgumentParser
import Foundation
import GantryCore
import GantryTerminal

/// `gantry config ENV`: the environment as gantry will run it, defaults filled in.
struct ConfigCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "config",
        abstract: "Print an environment's resolved configuration: defaults filled in, paths absolute, secrets masked.",
        discussion: "Values read from the environment (secrets, ${VAR} in commands and URLs) are masked when they are set; nothing is run and no state is touched."
    )

    @OptionGroup var global: GlobalOptions

    @Argument(help: "The environment.", completion: .custom(EnvironmentCompletion.complete), transform: { try EnvironmentName.argument($0) })
    var environment: String

    @Flag(help: "Print it as JSON instead of YAML.")
    var json = false

    func run() async throws {
        let context = Context(options: global)
        let config = try context.loadConfig(checkDeferred: false)
        let environmentConfig = try context.environment(environment, in: config)
        let masker = SecretMasker.forEnvironment(environmentConfig, processEnvironment: context.environment)
        let tree = ResolvedConfig.tree(environmentConfig, in: config, masker: masker)
        if json {
            let data = (try? JSONSerialization.data(withJSONObject: tree, options: [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes])) ?? Data("{}".utf8)
            Console.write(String(decoding: data, as: UTF8.self) + "\n", to: STDOUT_FILENO)
        } else {
            Console.write(ResolvedConfig.yaml(tree), to: STDOUT_FILENO)
        }
    }
}
