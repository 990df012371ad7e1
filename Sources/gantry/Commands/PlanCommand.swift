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

    @Argument(help: "The environment, as named in gantry.yml.", completion: .custom(EnvironmentCompletion.complete))
    var environment: String

    @Option(name: .long, help: ArgumentHelp("The release that would be deployed (with --rollback: the release to go back to, as rollback --to).", valueName: "release"))
    var release: String?

    @Flag(help: "Plan 'gantry rollback' instead: which release it would go back to, and why.")
    var rollback = false

    @Flag(help: "Plan as if --force were given.")
    var force = false

    @Flag(help: "Print the plan as JSON.")
    var json = false

    func run() async throws {
        if rollback {
            try await RollbackCommand.rollBack(
                environment: environment, to: release, force: force, dryRun: true, json: json, runner: nil, wait: "0s", context: Context(options: global)
            )
            return
        }
        guard let release else { throw Failure.usage("plan needs --release RELEASE (or --rollback, to plan gantry rollback)") }
        let context = Context(options: global)
        let config = try context.loadConfig()
        let environmentConfig = try context.environment(environment, in: config)
        let request = try await context.request(for: environmentConfig, in: config, release: try Context.release(release), force: force)
        try await PlanPrinter.printPlan(request: request, config: config, context: context, json: json)
    }
}

/// Prints a plan; shared by `plan` and `deploy --dry-run`.
enum PlanPrinter {
    static func printPlan(request: DeploymentRequest, config: GantryConfig, context: Context, json: Bool, rollbackTarget: RollbackTarget? = nil) async throws {
        var state = EnvironmentState(name: request.environment.name)
        var last: DeploymentRecord?
        var lease: Lease?
        if let store = try await context.openStore(config: config, create: false) {
            do {
                state = try await store.environmentState(request.environment.name)
                last = try await store.lastEffectiveDeployment(environment: request.environment.name, excluding: nil)
                lease = try await store.lease(environment: request.environment.name)
            } catch {
                throw Failure.store(error)
            }
        }
        let plan: DeploymentPlan
        do {
            plan = try DeploymentPlanner.plan(request, state: state, lastDeployment: last, lease: lease, now: Date(), rollbackTarget: rollbackTarget)
        } catch {
            throw Failure.usage(error.description)
        }
        if json {
            JSONOutput.print(plan)
            return
        }
        let style = Style(enabled: context.console().traits.color)
        let verb = request.kind == .rollback ? "roll \(plan.environment) back to \(plan.release)" : "deploy \(plan.release) to \(plan.environment)"
        var text = style.bold("Plan: \(verb)") + style.dim("  (dry run: nothing runs, nothing changes)") + "\n"
        for (index, item) in plan.items.enumerated() {
            text += "  \(index + 1). \(item.step.rawValue.padding(toLength: 8)) \(item.action)\n"
            if let command = item.command {
                text += "     \(style.cyan("$")) \(command.map(shellDisplay).joined(separator: " "))"
                if let timeout = item.timeout { text += style.dim("   (timeout \(timeout))") }
                text += "\n"
            }
        }
        Console.write(text, to: STDOUT_FILENO)
    }

    /// An argument as a person would type it, quoted only when needed.
    static func shellDisplay(_ argument: String) -> String {
        let safe = argument.unicodeScalars.allSatisfy {
            ("a"..."z").contains($0) || ("A"..."Z").contains($0) || ("0"..."9").contains($0) || "-_./=:,+@%".unicodeScalars.contains($0)
        }
        return safe && !argument.isEmpty ? argument : CommandResolver.shellQuote(argument)
    }
}
