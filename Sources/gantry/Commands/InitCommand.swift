import ArgumentParser
import Foundation
import GantryCore
import GantryTerminal

struct InitCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "init",
        abstract: "Write a commented example gantry.yml.",
        discussion: "Refuses to overwrite an existing file unless --force is given."
    )

    @OptionGroup var global: GlobalOptions

    @Flag(help: "Overwrite an existing file.")
    var force = false

    func run() throws {
        let context = Context(options: global)
        let path = PathText.join(context.workingDirectory, context.configPath)
        if FileManager.default.fileExists(atPath: path), !force {
            throw Failure.usage("\(context.configPath) already exists; pass --force to overwrite it")
        }
        guard FileManager.default.createFile(atPath: path, contents: Data((ExampleConfig.text + "\n").utf8)) else {
            throw Failure.usage("cannot write \(context.configPath): check the directory exists and is writable")
        }
        // The schema beside it, which the first line points editors at (yaml-language-server).
        let schema = PathText.join(PathText.directory(of: path), ConfigSchema.fileName)
        guard FileManager.default.createFile(atPath: schema, contents: Data(ConfigSchema.json().utf8)) else {
            throw Failure.usage("cannot write \(ConfigSchema.fileName) beside \(context.configPath)")
        }
        Console.write("wrote \(context.configPath) and \(ConfigSchema.fileName) (its JSON Schema, for editors); edit it, then run 'gantry validate'\n", to: STDOUT_FILENO)
    }
}
