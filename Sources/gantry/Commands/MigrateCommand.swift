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
        do {
            let (from, to) = try await location.migrate(environment: context.environment)
            Console.write(from == to ? "\(location): schema version \(to), up to date\n" : "\(location): schema migrated from version \(from) to \(to)\n", to: STDOUT_FILENO)
        } catch {
            throw Failure.store(error)
        }
    }
}
