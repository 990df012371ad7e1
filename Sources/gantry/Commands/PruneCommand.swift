import ArgumentParser
import Foundation
import GantryCore
import GantryStore
import GantryTerminal

/// `gantry store prune --older-than 90d`: keeps a long-lived store small. Counters are kept
/// apart from the deployments (`HistoryTotals`), so pruning never lowers a metric.
struct PruneCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "prune",
        abstract: "Delete deployments (and their journals) that finished before a given age.",
        discussion: """
            Never deleted: deployments that never finished (recovery needs them), each \
            environment's newest deployment, its newest that ran, and its current one. The \
            counters in metrics (deployments, failures, rollbacks, durations) do not go down: \
            they are kept apart from the deployments they counted.
            """
    )

    @OptionGroup var global: GlobalOptions

    @Option(
        name: .customLong("older-than"), help: ArgumentHelp("Delete deployments that finished longer ago than this: 90d, 12w, 720h.", valueName: "age"),
        transform: { try Duration.age(argument: $0) }
    )
    var olderThan: Duration

    @Flag(help: "Print the result as JSON: deleted, finished_before, message.")
    var json = false

    /// `prune --json`.
    struct PruneResultView: Encodable {
        var deleted: Int
        var finishedBefore: Date?
        var message: String
    }

    func report(_ deleted: Int, before cutoff: Date?, _ message: String) {
        if json {
            JSONOutput.print(PruneResultView(deleted: deleted, finishedBefore: cutoff, message: message))
        } else {
            Console.write(message + "\n", to: STDOUT_FILENO)
        }
    }

    func run() async throws {
        let context = Context(options: global)
        let config = try? context.loadConfig()
        let location = try context.storeLocation(config: config)
        // Opened for writing, but never created: a store that does not exist has nothing to prune.
        guard location.mayHoldState, let store = try await context.openStore(config: config, create: true, migrate: false) else {
            report(0, before: nil, "\(location) holds no gantry state: nothing to prune")
            return
        }
        let cutoff = Date().addingTimeInterval(-olderThan.seconds)
        let deleted: Int
        do {
            deleted = try await store.prune(finishedBefore: cutoff)
        } catch {
            throw Failure.store(error)
        }
        report(deleted, before: cutoff, "deleted \(deleted) deployment(s) that finished before \(Timestamp.format(cutoff)); counters are unchanged")
    }
}
