import ArgumentParser
import Foundation
import GantryCore
import GantryStore
import GantryTerminal

struct ImportCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(commandName: "import", abstract: "Load a state export into an empty store.")

    @OptionGroup var global: GlobalOptions

    @Argument(help: ArgumentHelp("The file 'gantry store export' wrote ('-' for standard input).", valueName: "file"))
    var file: String

    func run() async throws {
        let context = Context(options: global)
        let config = try? context.loadConfig()
        let data: Data
        if file == "-" {
            data = FileHandle.standardInput.readDataToEndOfFile()
        } else {
            guard let contents = FileManager.default.contents(atPath: PathText.join(context.workingDirectory, file)) else {
                throw Failure.usage("cannot read \(file)")
            }
            data = contents
        }
        let export: StateExport
        do {
            export = try StateExportCoding.decoder.decode(StateExport.self, from: data)
        } catch {
            throw Failure.usage("\(file) is not a gantry state export: \(error)")
        }
        guard let store = try await context.openStore(config: config, create: true) else { throw Failure.usage("the state store could not be created") }
        do {
            try await export.validate(target: store)
        } catch let refusal as StateExport.Refusal {
            throw Failure.usage("\(file): \(refusal.description); nothing was imported")
        } catch let error as StoreError {
            throw Failure.store(error)
        }
        do {
            try await export.write(to: store)
        } catch {
            throw Failure.store(error)
        }
        Console.write("imported \(export.deployments.count) deployment(s) of \(export.environments.count) environment(s) into \(try context.storeLocation(config: config))\n", to: STDOUT_FILENO)
    }
}
