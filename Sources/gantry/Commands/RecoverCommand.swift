import ArgumentParser
import Foundation
import GantryCore

struct RecoverCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "recover",
        abstract: "Finish or undo deployments of an environment that were killed half-way.",
        discussion: """
            A deployment killed outright (SIGKILL, a lost runner, power loss) leaves no outcome. \
            'gantry recover' takes the environment's lock, reads each such deployment's journal, \
            stops a command it left running on this host, and, when hosts may have been changed, \
            rolls back to the last good release and verifies it. The next 'gantry deploy' does the \
            same before anything else; this command does it now.

            Exit codes: 0 recovered or nothing to do; 3 the lock could not be had; 4 recovery \
            failed: a person is needed.
            """
    )

    @OptionGroup var global: GlobalOptions

    @Argument(help: "The environment, as named in gantry.yml.", completion: .custom(EnvironmentCompletion.complete), transform: { try EnvironmentName.argument($0) })
    var environment: String

    /// The default is spelled in the help: a transform's is not shown.
    @Option(
        help: ArgumentHelp("How long to wait for the environment's lock before giving up with exit 3. (default: 10m)", valueName: "duration"),
        transform: { try Duration.wait(argument: $0) }
    )
    var wait: Duration = .seconds(10 * 60)

    @Flag(help: "Print the result as JSON on standard output (progress goes to standard error).")
    var json = false

    func run() async throws {
        let context = Context(options: global)
        let config = try context.loadConfig()
        let environmentConfig = try context.environment(environment, in: config)
        let current = try await context.storedState(of: environment, config: config, migrate: true).current
        let request = try await context.request(
            for: environmentConfig, in: config, release: try Context.release(current ?? "none"), kind: .recover, lockWait: wait
        )
        try await DeploymentSession(context: context, config: config, json: json).run(request)
    }
}
