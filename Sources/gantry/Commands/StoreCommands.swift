import ArgumentParser
import Foundation
import GantryCore
import GantryStore
import GantryTerminal

/// `gantry migrate`: brings the state store's schema up to date now, for teams that turn
/// automatic migration off in production (`GANTRY_MIGRATE=never`).
struct MigrateCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "migrate",
        abstract: "Bring the state store's schema up to date.",
        discussion: """
            Applies the schema migrations this gantry brings, under the store's migration lock \
            (PostgreSQL: an advisory lock, so runners starting together do not race). Stores \
            migrate on first use anyway unless GANTRY_MIGRATE=never is set; with it, run this \
            once per upgrade. A store written by a newer gantry is refused (exit 2).
            """
    )

    @OptionGroup var global: GlobalOptions

    func run() async throws {
        let context = Context(options: global)
        let config = try? context.loadConfig()
        let location = try context.storeLocation(config: config)
        switch location {
        case .sqlite:
            _ = try await context.openStore(config: config, create: true)
            Console.write("\(location): schema up to date\n", to: STDOUT_FILENO)
        case .postgres(let text):
            do {
                let store = try PostgresStateStore(url: try StoreLocation.postgresURL(text, environment: context.environment), migrate: true)
                let (from, to) = try await store.migrate()
                Console.write(from == to ? "\(location): schema version \(to), up to date\n" : "\(location): schema migrated from version \(from) to \(to)\n", to: STDOUT_FILENO)
            } catch {
                throw Failure.store(error)
            }
        }
    }
}

/// `gantry store export|import`: moves state between stores.
struct StoreCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "store",
        abstract: "Export or import the whole state store, to move from SQLite to PostgreSQL.",
        discussion: """
            gantry store export > state.json                       (from the config's state:)
            gantry store import state.json --state postgres://gantry:${PGPASSWORD}@db/gantry

            Environments, every deployment with its journal, runner and check observations and \
            failovers move; leases and the queue do not (move while nothing deploys). Import \
            refuses a target that already holds deployments.
            """,
        subcommands: [ExportCommand.self, ImportCommand.self]
    )
}

enum StateExportCoding {
    static var encoder: JSONEncoder {
        let encoder = JSONEncoder()
        encoder.dateEncodingStrategy = .millisecondsSince1970
        encoder.outputFormatting = [.sortedKeys]
        return encoder
    }

    static var decoder: JSONDecoder {
        let decoder = JSONDecoder()
        decoder.dateDecodingStrategy = .millisecondsSince1970
        return decoder
    }
}

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
