import ArgumentParser
import Foundation
import GantryCore
import GantryStore
import GantryTerminal

/// `gantry store export|import|prune`: moves state between stores, keeps it small.
struct StoreCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "store",
        abstract: "Export, import or prune the state store (to move from SQLite to PostgreSQL, or keep it small).",
        discussion: """
            gantry store export > state.json                       (from the config's state:)
            gantry store import state.json --state postgres://gantry:${PGPASSWORD}@db/gantry

            Environments, every deployment with its journal, runner and check observations and \
            failovers move; leases and the queue do not (move while nothing deploys). Import \
            refuses a target that already holds deployments.

            gantry store prune --older-than 90d                    (deletes old deployments; counters stay)
            """,
        subcommands: [ExportCommand.self, ImportCommand.self, PruneCommand.self]
    )
}
