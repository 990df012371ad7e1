import ArgumentParser
import Foundation
import GantryCore
import GantryExec
import GantryProbes
import GantryTerminal

struct PreflightCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "preflight",
        abstract: "Check that a deploy could start: secrets, inventory, tools, disk, reachability, a way back.",
        discussion: """
            Runs every preflight check and lists every failure (secrets by name only). 'gantry \
            deploy' runs the same checks after taking the lock and refuses (exit 3) when one fails.

            Exit codes: 0 all passed (warnings allowed); 2 bad input; 3 a check failed.
            """
    )

    @OptionGroup var global: GlobalOptions

    @Argument(help: "The environment, as named in gantry.yml.", completion: .custom(EnvironmentCompletion.complete), transform: { try EnvironmentName.argument($0) })
    var environment: String

    @Flag(help: "Print the results as JSON.")
    var json = false

    func run() async throws {
        let context = Context(options: global)
        let config = try context.loadConfig()
        let environmentConfig = try context.environment(environment, in: config)
        let targets = try await context.targets(for: environmentConfig, in: config)
        let reading = try await context.inventory(of: environmentConfig, in: config)
        let lastGood = try await context.storedState(of: environment, config: config).lastGood
        let started = ContinuousClock.now
        let results = await context.withAdapters(config: config) { live in
            await PreflightRunner(prober: live.prober, processes: live.processes).run(
                environment: environmentConfig, targets: targets, directory: config.directory,
                processEnvironment: context.environment, lastGood: lastGood
            )
        }
        let failed = results.filter { !$0.passed }
        let console = context.console()
        if json {
            JSONOutput.print(CheckReportView(environment: environment, passed: failed.isEmpty, durationSeconds: (ContinuousClock.now - started).seconds, checks: results.map(CheckResultView.init)))
        } else {
            let style = Style(enabled: console.traits.color)
            var text = ""
            if let reading {
                text += "inventory \(environmentConfig.inventory ?? ""): read by \(reading.reader), \(reading.inventory.hosts.count) host(s)\n"
                for note in reading.notes { text += style.yellow("warning: ") + note + "\n" }
            }
            text += CheckTable.make(results, style: style).render(style: style)
            text += failed.isEmpty ? "\(environment): preflight passed\n" : "\(environment): preflight failed: \(failed.count) of \(results.count)\n"
            await console.out(text)
        }
        if console.traits.githubActions {
            for result in failed {
                Console.write(GitHubActions.error(result.message, title: "preflight \(result.label) failed"), to: json ? STDERR_FILENO : STDOUT_FILENO)
            }
        }
        if !failed.isEmpty { throw ArgumentParser.ExitCode(ExitStatus.refused) }
    }
}
