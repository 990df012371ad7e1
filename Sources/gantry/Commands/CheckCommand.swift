import ArgumentParser
import Foundation
import GantryCore
import GantryExec
import GantryProbes
import GantryTelemetry
import GantryTerminal

struct CheckCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "check",
        abstract: "Run an environment's health checks now.",
        discussion: """
            Runs the checks of gantry.yml concurrently, each with its own timeout, retries and \
            interval, and prints one row per check and target. Changes nothing.

            Exit codes: 0 every check passed; 1 a check failed; 2 bad input.
            """
    )

    @OptionGroup var global: GlobalOptions

    @Argument(help: "The environment, as named in gantry.yml.", completion: .custom(EnvironmentCompletion.complete), transform: { try EnvironmentName.argument($0) })
    var environment: String

    @Option(name: .long, help: ArgumentHelp("Run only the check with this name (repeatable).", valueName: "name"))
    var only: [String] = []

    @Flag(help: "Print the results as JSON.")
    var json = false

    func run() async throws {
        let context = Context(options: global)
        let config = try context.loadConfig()
        let environmentConfig = try context.environment(environment, in: config)
        var checks = environmentConfig.checks
        if !only.isEmpty {
            let names = Set(checks.map(\.name))
            if let unknown = only.first(where: { !names.contains($0) }) {
                throw Failure.usage("no check '\(unknown)' in \(environment); defined: \(checks.map(\.name).joined(separator: ", "))")
            }
            checks = checks.filter { only.contains($0.name) }
        }
        let targets = try await context.targets(for: environmentConfig, in: config)
        let masker = SecretMasker.forEnvironment(environmentConfig, processEnvironment: context.environment)
        let console = context.console()
        if console.traits.githubActions {
            Console.write(GitHubActions.maskCommands(for: masker.values), to: json ? STDERR_FILENO : STDOUT_FILENO)
        }
        let started = ContinuousClock.now
        // Without a terminal (piped, CI) each row is printed as its check finishes, so a slow
        // check never holds back the ones already done; a terminal gets the table at the end.
        let streaming = !json && !console.traits.isTerminal
        let rowStyle = Style(enabled: console.traits.color)
        let results = await context.withAdapters(config: config) { live in
            await CheckRunner(prober: live.prober).run(
                checks, targets: targets, environment: context.environment, masker: masker,
                concurrency: environmentConfig.checkConcurrency, deadline: environmentConfig.verifyTimeout,
                onResult: { result in
                    guard streaming else { return }
                    await console.out(CheckTable.line(result, style: rowStyle))
                }
            )
        }
        let elapsed = ContinuousClock.now - started
        await MetricsPublisher(context: context, config: config).publish(observations: Observations.checks(results, environment: environment, at: Date()))
        let failed = results.filter { !$0.passed }
        if json {
            JSONOutput.print(CheckReportView(environment: environment, passed: failed.isEmpty, durationSeconds: elapsed.seconds, checks: results.map(CheckResultView.init)))
        } else if results.isEmpty {
            await console.out("\(environment) has no checks configured\n")
        } else {
            let style = Style(enabled: console.traits.color)
            var text = streaming ? "" : CheckTable.make(results, style: style).render(style: style)
            let verdict = failed.isEmpty ? style.green("all \(results.count) passed") : style.red("\(failed.count) of \(results.count) failed")
            text += "\(environment): \(verdict) in \(DurationText.format(elapsed))\n"
            await console.out(text)
        }
        if console.traits.githubActions {
            for result in failed {
                Console.write(GitHubActions.error(result.message, title: "check \(result.label) failed"), to: json ? STDERR_FILENO : STDOUT_FILENO)
            }
            if let path = context.environment["GITHUB_STEP_SUMMARY"], !path.isEmpty {
                let heading = "### gantry check \(environment): \(failed.isEmpty ? "all \(results.count) passed" : "\(failed.count) of \(results.count) failed")\n\n"
                try? GitHubActions.appendSummary(heading + CheckTable.make(results, style: Style(enabled: false)).markdown() + "\n", path: path)
            }
        }
        if !failed.isEmpty { throw ArgumentParser.ExitCode(ExitStatus.restored) }
    }
}
