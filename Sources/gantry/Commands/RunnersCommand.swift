import ArgumentParser
import Foundation
import GantryCore
import GantryExec
import GantryProbes
import GantryTelemetry
import GantryTerminal

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
