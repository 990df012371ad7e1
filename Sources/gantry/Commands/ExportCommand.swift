import ArgumentParser
import Foundation
import GantryCore
import GantryStore
import GantryTerminal

struct ExportCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(commandName: "export", abstract: "Write the whole state store as JSON.")

    @OptionGroup var global: GlobalOptions

    @Option(name: .shortAndLong, help: ArgumentHelp("Write to this file instead of standard output.", valueName: "file"))
    var output: String?

    func run() async throws {
        let context = Context(options: global)
        let config = try? context.loadConfig()
        guard let store = try await context.openStore(config: config, create: false) else {
            throw Failure.usage("\(try context.storeLocation(config: config)) holds no gantry state: there is nothing to export")
        }
        let export: StateExport
        do {
            export = try await StateExport.read(from: store, at: Date())
        } catch {
            throw Failure.store(error)
        }
        let data = try StateExportCoding.encoder.encode(export) + Data("\n".utf8)
        if let output {
            try data.write(to: URL(fileURLWithPath: PathText.join(context.workingDirectory, output)), options: .atomic)
            Console.write("exported \(export.deployments.count) deployment(s) of \(export.environments.count) environment(s) to \(output)\n", to: STDERR_FILENO)
        } else {
            FileHandle.standardOutput.write(data)
        }
    }
}
