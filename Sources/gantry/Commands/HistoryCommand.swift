import ArgumentParser
import Foundation
import GantryCore
import GantryTerminal

struct HistoryCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "history",
        abstract: "List an environment's past deployments, newest first."
    )

    @OptionGroup var global: GlobalOptions

    @Argument(help: "The environment, as named in gantry.yml.", completion: .custom(EnvironmentCompletion.complete))
    var environment: String

    @Option(help: "How many deployments to list.")
    var limit = 20

    @Flag(help: "Print the deployments as JSON.")
    var json = false

    func validate() throws {
        guard (1...10_000).contains(limit) else { throw ValidationError("--limit must be between 1 and 10000") }
    }

    func run() async throws {
        let context = Context(options: global)
        let config = try context.loadConfig()
        let name = try context.environment(environment, in: config).name
        var records: [DeploymentRecord] = []
        if let store = try await context.openStore(config: config, create: false) {
            do {
                records = try await store.deployments(environment: name, limit: limit)
            } catch {
                throw Failure.store(error)
            }
        }
        if json {
            JSONOutput.print(HistoryView(environment: name, deployments: records.map(DeploymentView.init)))
            return
        }
        guard !records.isEmpty else {
            Console.write("no deployments of \(name) yet\n", to: STDOUT_FILENO)
            return
        }
        let rows = records.map { record in
            [
                record.id.rawValue, record.release, record.outcome?.rawValue ?? "running", Timestamp.format(record.startedAt),
                record.duration.map(DurationText.format) ?? "—", record.origin.actor ?? record.origin.host, record.reason ?? "",
            ]
        }
        let table = TextTable(headers: ["ID", "RELEASE", "OUTCOME", "STARTED", "TOOK", "BY", "REASON"], rows: rows)
        Console.write(table.render(style: Style(enabled: context.console().traits.color)), to: STDOUT_FILENO)
    }
}

/// `history --json`.
struct HistoryView: Encodable {
    var environment: String
    var deployments: [DeploymentView]
}
