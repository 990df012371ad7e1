import ArgumentParser
import Foundation
import GantryCore
import GantryExec
import GantryProbes
import GantryTelemetry
import GantryTerminal

/// Probes every configured runner; shared by `runners` and `select-runner`.
enum RunnerProbing {
    static func health(_ runners: [RunnerConfig], context: Context, runner: String?, config: GantryConfig) async -> [RunnerHealth] {
        let thisMachine = context.thisRunner(runners, flag: runner)
        return await context.withAdapters(config: config) { live in
            await RunnerHealthCheck(prober: live.prober).run(runners, thisMachine: thisMachine, environment: context.environment)
        }
    }

    static func table(_ health: [RunnerHealth]) -> TextTable {
        var rows: [[String]] = []
        for entry in health {
            let verdict = entry.healthy ? "healthy" : "UNHEALTHY"
            if entry.sources.isEmpty {
                rows.append([entry.runner.name, String(entry.runner.priority), verdict, "—", "—", "", "no health sources: assumed healthy"])
            }
            for source in entry.sources {
                rows.append([
                    entry.runner.name, String(entry.runner.priority), verdict, source.source, source.state.rawValue,
                    DurationText.format(.milliseconds(source.latencyMilliseconds)), source.message,
                ])
            }
        }
        return TextTable(headers: ["RUNNER", "PRIORITY", "VERDICT", "SOURCE", "STATE", "TOOK", "DETAIL"], rows: rows)
    }
}

struct RunnersCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "runners",
        abstract: "Show the health of every runner and how it was judged.",
        discussion: "All runners and all their sources are probed at once, each within its own timeout. Exit 0 when at least one runner is healthy, 3 when none is."
    )

    @OptionGroup var global: GlobalOptions

    @Option(help: ArgumentHelp("The runner gantry runs on, for local checks (default: $GANTRY_RUNNER, $RUNNER_NAME, or the host name).", valueName: "name"))
    var runner: String?

    @Flag(help: "Print the verdicts as JSON.")
    var json = false

    func run() async throws {
        let context = Context(options: global)
        let config = try context.loadConfig()
        guard !config.runners.isEmpty else { throw Failure.usage("\(config.file) defines no runners: add a runners: list") }
        let health = await RunnerProbing.health(config.runners, context: context, runner: runner, config: config)
        await MetricsPublisher(context: context, config: config).publish(observations: Observations.runners(health, at: Date()))
        if json {
            JSONOutput.print(RunnersView(runners: health.map(RunnerView.init)))
        } else {
            let style = Style(enabled: context.console().traits.color)
            Console.write(RunnerProbing.table(health).render(style: style), to: STDOUT_FILENO)
        }
        if !health.contains(where: \.healthy) { throw ArgumentParser.ExitCode(ExitStatus.refused) }
    }
}

struct RunnersView: Encodable {
    var runners: [RunnerView]
}

struct RunnerView: Encodable {
    var name: String
    var labels: [String]
    var priority: Int
    var healthy: Bool
    var sources: [SourceView]

    struct SourceView: Encodable {
        var source: String
        var state: String
        var message: String
        var latencySeconds: Double
    }

    init(_ health: RunnerHealth) {
        name = health.runner.name
        labels = health.runner.labels
        priority = health.runner.priority
        healthy = health.healthy
        sources = health.sources.map { SourceView(source: $0.source, state: $0.state.rawValue, message: $0.message, latencySeconds: Double($0.latencyMilliseconds) / 1000) }
    }
}
