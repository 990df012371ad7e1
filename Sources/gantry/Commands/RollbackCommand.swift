import ArgumentParser
import Foundation
import GantryCore

struct RollbackCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "rollback",
        abstract: "Put an environment back on its last good release (or a named one), safely.",
        discussion: """
            Runs the rollback command (or, when none is configured, the deploy command) for the \
            target release through the same lock, journal and verification as a deploy. When \
            its checks pass, the target becomes the current and last good release.

            Exit codes: 0 rolled back and verified (or already live); 2 bad input or no release \
            to go back to; 3 refused before any change; 4 failed: a person is needed.
            """
    )

    @OptionGroup var global: GlobalOptions

    @Argument(help: "The environment, as named in gantry.yml.", completion: .custom(EnvironmentCompletion.complete))
    var environment: String

    @Option(name: .long, help: ArgumentHelp("The release to go back to (default: the last good release).", valueName: "release"))
    var to: String?

    @Flag(help: "Run it even when the target is already live.")
    var force = false

    @Option(help: ArgumentHelp("The runner this runs on (default: $GANTRY_RUNNER, then $RUNNER_NAME).", valueName: "name"))
    var runner: String?

    @Option(help: ArgumentHelp("How long to wait for the environment's lock before giving up with exit 3.", valueName: "duration"))
    var wait = "10m"

    @Flag(help: "Print the result as JSON on standard output (progress goes to standard error).")
    var json = false

    func run() async throws {
        let context = Context(options: global)
        let config = try context.loadConfig()
        let environmentConfig = try context.environment(environment, in: config)
        let target: Release
        if let to {
            target = try Context.release(to)
        } else {
            guard let lastGood = try await context.storedState(of: environment, config: config, migrate: true).lastGood else {
                throw Failure.usage("\(environment) has no last good release to roll back to; name one with --to RELEASE")
            }
            target = try Context.release(lastGood)
        }
        let request = try await context.request(
            for: environmentConfig, in: config, release: target, kind: .rollback, force: force, runner: runner, lockWait: try Context.wait(wait)
        )
        try await DeploymentSession(context: context, config: config, json: json).run(request)
    }
}
