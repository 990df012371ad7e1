import ArgumentParser
import Foundation
import GantryCore
import GantryStore
import GantryTerminal

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
