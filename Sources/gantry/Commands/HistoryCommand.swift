import ArgumentParser
import Foundation
import GantryCore
import GantryTerminal

struct HistoryCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "history",
        abstract: "List past deployments, newest first: of one environment, or of all of them."
    )

    @OptionGroup var global: GlobalOptions

    @Argument(help: "The environment, as named in gantry.yml; every environment when omitted.", completion: .custom(EnvironmentCompletion.complete), transform: { try EnvironmentName.argument($0) })
    var environment: String?

    @Option(help: "How many deployments to list.")
    var limit = 20

    @Option(help: ArgumentHelp("List only deployments older than this one: the next page, as the previous page's last line or 'next' says.", valueName: "id"))
    var before: String?

    @Flag(help: "Print the deployments as JSON.")
    var json = false

    func validate() throws {
        guard (1...10_000).contains(limit) else { throw ValidationError("--limit must be between 1 and 10000") }
        if let before, !DeploymentID.isWellFormed(before) {
            throw ValidationError("--before '\(before)' is not a deployment id (such as 20261201-093000.000-a1b2c3)")
        }
    }

    func run() async throws {
        let context = Context(options: global)
        let config = try context.loadConfig()
        let name = try environment.map { try context.environment($0, in: config).name }
        var records: [DeploymentRecord] = []
        if let store = try await context.openStore(config: config, create: false) {
            do {
                records = try await store.deployments(environment: name, limit: limit, before: before.map(DeploymentID.init(rawValue:)))
            } catch {
                throw Failure.store(error)
            }
        }
        // A full page may have more behind it; the cursor is its oldest deployment.
        let next = records.count == limit ? records.last?.id.rawValue : nil
        if json {
            JSONOutput.print(HistoryView(environment: name, deployments: records.map(DeploymentView.init), next: next))
            return
        }
        guard !records.isEmpty else {
            let of = name.map { " of \($0)" } ?? ""
            Console.write(before == nil ? "no deployments\(of) yet\n" : "no deployments\(of) before \(before ?? "")\n", to: STDOUT_FILENO)
            return
        }
        let rows = records.map { record in
            (name == nil ? [record.id.rawValue, record.environment] : [record.id.rawValue]) + [
                record.release, record.outcome?.rawValue ?? "running", Timestamp.format(record.startedAt),
                record.duration.map(DurationText.format) ?? "—", record.origin.actor ?? record.origin.host, record.reason ?? "",
            ]
        }
        let headers = (name == nil ? ["ID", "ENV"] : ["ID"]) + ["RELEASE", "OUTCOME", "STARTED", "TOOK", "BY", "REASON"]
        let table = TextTable(headers: headers, rows: rows)
        Console.write(table.render(style: Style(enabled: context.console().traits.color)), to: STDOUT_FILENO)
        if let next { Console.write("older: gantry history \(name.map { "\($0) " } ?? "")--limit \(limit) --before \(next)\n", to: STDOUT_FILENO) }
    }
}
