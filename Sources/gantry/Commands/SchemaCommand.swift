import ArgumentParser
import Foundation
import GantryCore
import GantryTerminal

/// `gantry schema`: the JSON Schema of gantry.yml, for editors and CI linters.
struct SchemaCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "schema",
        abstract: "Print the JSON Schema of gantry.yml (draft 2020-12).",
        discussion: "'gantry init' writes it beside the config as gantry.schema.json and points editors at it with a yaml-language-server comment. The schema rejects unknown keys, as gantry does; 'gantry validate' remains the authority on everything else."
    )

    /// Accepted like every command's, so they may be typed anywhere; not used here.
    @OptionGroup(visibility: .hidden) var global: GlobalOptions

    @Flag(help: "Print the configuration reference (docs/configuration.md) generated from the schema instead: every key with its type, default, example and meaning.")
    var markdown = false

    func run() throws {
        Console.write(markdown ? ConfigReference.markdown() : ConfigSchema.json(), to: STDOUT_FILENO)
    }
}
