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
