import ArgumentParser
import Foundation
import GantryCore
import GantryExec
import GantryProbes
import GantryStore
import GantryTerminal
import Logging

struct DeployCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "deploy",
        abstract: "Deploy a release to an environment, safely.",
        discussion: """
            Takes the environment's lease, skips the deploy when the release is already live \
            (unless --force), runs the deploy command with a timeout and masked output, and \
            records the outcome. Every step is journaled before it starts.

            Exit codes: 0 succeeded or skipped; 1 rolled back; 2 bad input; 3 refused before any change \
            (runner unfit, preflight failed, environment locked, command could not start); 4 failed and not restored; \
            5 a rollout left paused for gantry promote/abort (rollout.on_pause: exit); 130/143 interrupted.
            """
    )

    @OptionGroup var global: GlobalOptions

    @Argument(help: "The environment to deploy to, as named in gantry.yml.", completion: .custom(EnvironmentCompletion.complete), transform: { try EnvironmentName.argument($0) })
    var environment: String

    @Option(
        name: .long, help: ArgumentHelp("The release to deploy (letters, digits, '.', '_', '+', '-').", valueName: "release"),
        transform: { try Release.argument($0) }
    )
    var release: Release

    @Flag(help: "Deploy even when the release is already live.")
    var force = false

    @Flag(help: "Print the plan and change nothing: no state, no lock, no process.")
    var dryRun = false

    @Option(help: ArgumentHelp("The runner this deploy runs on, whose local checks must pass first (default: $GANTRY_RUNNER, then $RUNNER_NAME, then the host name).", valueName: "name"))
    var runner: String?

    /// The default is spelled in the help: a transform's is not shown.
    @Option(
        help: ArgumentHelp("How long to wait for the environment's lock, in arrival order, before giving up with exit 3. (default: 10m)", valueName: "duration"),
        transform: { try Duration.wait(argument: $0) }
    )
    var wait: Duration = .seconds(10 * 60)

    @Flag(help: "Deploy despite a freeze, a freeze window or an open circuit breaker (needs --reason; recorded).")
    var override = false

    @Flag(help: "Deploy though the release has not soaked in the environment of promote_from (break glass: needs --reason; recorded and announced).")
    var skipPromotion = false

    @Option(help: "Why the override or the skipped promotion is needed; recorded in the journal.")
    var reason: String?

    func validate() throws {
        if override, reason?.trimmingWhitespace().isEmpty ?? true { throw ValidationError("--override needs --reason TEXT, which is recorded") }
        if skipPromotion, reason?.trimmingWhitespace().isEmpty ?? true { throw ValidationError("--skip-promotion needs --reason TEXT, which is recorded") }
        if reason != nil, !override, !skipPromotion { throw ValidationError("--reason is only used with --override or --skip-promotion") }
    }

    @Flag(help: "Print the result as JSON on standard output (progress goes to standard error).")
    var json = false

    func run() async throws {
        let context = Context(options: global)
        let config = try context.loadConfig()
        let environmentConfig = try context.environment(environment, in: config)
        var request = try await context.request(for: environmentConfig, in: config, release: release, force: force, runner: runner, lockWait: wait)
        if !dryRun {
            switch try await context.runnerGate(config: config, flag: runner) {
            case .passed(let gated, let note):
                if let note { Console.write("gantry: \(note)\n", to: STDERR_FILENO) }
                if let gated { request.origin = context.origin(runner: gated) }
            case .unfit(let gated, let refusal):
                request.origin = context.origin(runner: gated)
                request.refusal = refusal
            }
        }
        request.override = override ? reason : nil
        request.skipPromotion = skipPromotion ? reason : nil
        if dryRun {
            try await PlanPrinter.printPlan(request: request, config: config, context: context, json: json)
            return
        }
        try await DeploymentSession(context: context, config: config, json: json).run(request)
    }
}
