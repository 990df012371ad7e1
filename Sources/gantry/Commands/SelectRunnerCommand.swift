import ArgumentParser
import Foundation
import GantryCore
import GantryExec
import GantryProbes
import GantryTelemetry
import GantryTerminal

struct SelectRunnerCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "select-runner",
        abstract: "Print the label of the healthiest runner for an environment.",
        discussion: """
            Runners carrying the environment's name as a label are eligible (all runners when none \
            does). The healthy one with the best priority wins; when it is not the first choice, \
            the failover is reported. On GitHub Actions, runner=<label>, runner-name=<name> and \
            labels=<JSON list> are appended to $GITHUB_OUTPUT, and the step summary names the \
            choice. Exit 3, with every runner's reason, when none is healthy.
            """
    )

    @OptionGroup var global: GlobalOptions

    @Argument(help: "The environment, as named in gantry.yml.", completion: .custom(EnvironmentCompletion.complete), transform: { try EnvironmentName.argument($0) })
    var environment: String

    @Flag(help: "Print the choice and every verdict as JSON.")
    var json = false

    func run() async throws {
        let context = Context(options: global)
        let config = try context.loadConfig()
        _ = try context.environment(environment, in: config)
        let eligible = RunnerSelection.eligible(config.runners, for: environment)
        guard !eligible.isEmpty else { throw Failure.usage("\(config.file) defines no runners: add a runners: list") }
        let health = await RunnerProbing.health(eligible, context: context, runner: nil, config: config)
        let (chosen, failoverFrom) = RunnerSelection.select(health)
        let failover = chosen.flatMap { chosen in
            failoverFrom.map { RunnerFailover(environment: environment, from: $0.runner.name, to: chosen.runner.name, reason: $0.reason, at: Date()) }
        }
        await MetricsPublisher(context: context, config: config).publish(observations: Observations.runners(health, at: Date()), failover: failover)
        let github = context.environment["GITHUB_ACTIONS"] == "true"
        if json {
            JSONOutput.print(SelectionView(
                environment: environment, runner: chosen?.runner.name, label: chosen?.runner.selectionLabel,
                labels: chosen?.runner.labels, failoverFrom: failoverFrom?.runner.name, runners: health.map(RunnerView.init)
            ))
        }
        guard let chosen else {
            let reasons = health.map { "\($0.runner.name): \($0.reason)" }.joined(separator: "; ")
            if github { Console.write(GitHubActions.error(reasons, title: "no healthy runner for \(environment)"), to: STDERR_FILENO) }
            throw Failure.refused("no healthy runner for \(environment): \(reasons)")
        }
        if let from = failoverFrom {
            Console.write("gantry: failover: \(from.runner.name) is unhealthy (\(from.reason)); choosing \(chosen.runner.name)\n", to: STDERR_FILENO)
        }
        if !json { Console.write(chosen.runner.selectionLabel + "\n", to: STDOUT_FILENO) }
        if github {
            if let path = context.environment["GITHUB_OUTPUT"], !path.isEmpty {
                let labels = String(decoding: (try? JSONEncoder().encode(chosen.runner.labels)) ?? Data("[]".utf8), as: UTF8.self)
                try? GitHubOutput.append("runner=\(chosen.runner.selectionLabel)\nrunner-name=\(chosen.runner.name)\nlabels=\(labels)\n", path: path)
            }
            if let path = context.environment["GITHUB_STEP_SUMMARY"], !path.isEmpty {
                var text = "### gantry select-runner \(environment): \(chosen.runner.name)\n\n"
                if let from = failoverFrom { text += "**Failover:** \(from.runner.name) is unhealthy: \(from.reason)\n\n" }
                text += RunnerProbing.table(health).markdown() + "\n"
                try? GitHubActions.appendSummary(text, path: path)
            }
        }
    }
}
