import ArgumentParser
import Foundation
import GantryCore
import GantryExec
import GantryProbes
import GantryStore
import GantryTerminal
import Logging

struct PlanCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "plan",
        abstract: "Print what 'gantry deploy' would do, and change nothing.",
        discussion: "The same as 'gantry deploy --dry-run': reads the state (if any) to decide whether the deploy would be skipped, resolves the commands with secrets masked, and starts no process."
    )

    @OptionGroup var global: GlobalOptions

    @Argument(help: "The environment, as named in gantry.yml.", completion: .custom(EnvironmentCompletion.complete), transform: { try EnvironmentName.argument($0) })
    var environment: String

    @Option(
        name: .long, help: ArgumentHelp("The release that would be deployed (with --rollback: the release to go back to, as rollback --to).", valueName: "release"),
        transform: { try Release.argument($0) }
    )
    var release: Release?

    @Flag(help: "Plan 'gantry rollback' instead: which release it would go back to, and why.")
    var rollback = false

    @Flag(help: "Plan as if --force were given.")
    var force = false

    @Flag(help: "Print the plan as JSON.")
    var json = false

    func run() async throws {
        if rollback {
            try await RollbackCommand.rollBack(
                environment: environment, to: release, force: force, dryRun: true, json: json, runner: nil, wait: .zero, context: Context(options: global)
            )
            return
        }
        guard let release else { throw Failure.usage("plan needs --release RELEASE (or --rollback, to plan gantry rollback)") }
        let context = Context(options: global)
        let config = try context.loadConfig()
        let environmentConfig = try context.environment(environment, in: config)
        let request = try await context.request(for: environmentConfig, in: config, release: release, force: force)
        try await PlanPrinter.printPlan(request: request, config: config, context: context, json: json)
    }
}
