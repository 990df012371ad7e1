import ArgumentParser
import Foundation
import GantryCore
import GantryTerminal

struct RollbackCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "rollback",
        abstract: "Put an environment back on the release before the current one (or a named one), safely.",
        discussion: """
            Without --to it goes to the newest release before the current one that was \
            verified live (its checks passed, or it had none), as Helm's rollback and Argo \
            Rollouts' undo go to the previous revision; run twice, it alternates between the \
            two. It runs the rollback command (or, when none is configured, the deploy command) \
            for that release through the same lock, preflight, journal and verification as a \
            deploy. When its checks pass, the target becomes the current and last good release. \
            --dry-run prints which release it would go to, and why.

            Exit codes: 0 rolled back and verified (or already live); 2 bad input or no release \
            to go back to; 3 refused before any change (a listed secret unset, the lock held); \
            4 failed: a person is needed.
            """
    )

    @OptionGroup var global: GlobalOptions

    @Argument(help: "The environment, as named in gantry.yml.", completion: .custom(EnvironmentCompletion.complete), transform: { try EnvironmentName.argument($0) })
    var environment: String

    @Option(
        name: .long, help: ArgumentHelp("The release to go back to (default: the newest release before the current one that was verified live).", valueName: "release"),
        transform: { try Release.argument($0) }
    )
    var to: Release?

    @Flag(help: "Run it even when the target is already live, and skip preflight (a listed secret unset, a tool missing).")
    var force = false

    @Flag(help: "Print which release it would go to, why, and the commands; change nothing.")
    var dryRun = false

    @Option(help: ArgumentHelp("The runner this runs on (default: $GANTRY_RUNNER, then $RUNNER_NAME).", valueName: "name"))
    var runner: String?

    /// The default is spelled in the help: a transform's is not shown.
    @Option(
        help: ArgumentHelp("How long to wait for the environment's lock before giving up with exit 3. (default: 10m)", valueName: "duration"),
        transform: { try Duration.wait(argument: $0) }
    )
    var wait: Duration = .seconds(10 * 60)

    @Flag(help: "Print the result as JSON on standard output (progress goes to standard error).")
    var json = false

    func run() async throws {
        try await Self.rollBack(
            environment: environment, to: to, force: force, dryRun: dryRun, json: json, runner: runner, wait: wait, context: Context(options: global)
        )
    }

    /// The rollback, or its plan with `dryRun` (`gantry plan ENV --rollback` too).
    static func rollBack(
        environment: String, to: Release?, force: Bool, dryRun: Bool, json: Bool, runner: String?, wait: Duration, context: Context
    ) async throws {
        let config = try context.loadConfig()
        let environmentConfig = try context.environment(environment, in: config)
        let target: Release
        var chosen: RollbackTarget?
        if let to {
            target = to
        } else if dryRun {
            // A plan reads without the lease; the rollback itself chooses under it.
            let previous = try await previousRelease(of: environment, context: context, config: config)
            chosen = previous
            target = try Context.release(previous.release)
        } else {
            // A store that does not exist has nothing to go back to, and is not created.
            guard try await context.openStore(config: config, create: false, migrate: false) != nil else {
                throw Failure.usage(RollbackTarget.Missing.nothingLive(environment: environmentConfig.name).description)
            }
            target = .rollbackStandIn
        }
        var request = try await context.request(
            for: environmentConfig, in: config, release: target, kind: .rollback, force: force, runner: runner, lockWait: wait
        )
        request.rollsBackToPrevious = to == nil
        if dryRun {
            try await PlanPrinter.printPlan(request: request, config: config, context: context, json: json, rollbackTarget: chosen)
            return
        }
        try await DeploymentSession(context: context, config: config, json: json).run(request)
    }

    /// The default target, from the store's history: exit 2 when there is none.
    static func previousRelease(of environment: String, context: Context, config: GantryConfig) async throws -> RollbackTarget {
        guard let store = try await context.openStore(config: config, create: false, migrate: false) else {
            throw Failure.usage(RollbackTarget.Missing.nothingLive(environment: environment).description)
        }
        let found: Result<RollbackTarget, RollbackTarget.Missing>
        do {
            found = try await RollbackTarget.find(environment: environment, in: store)
        } catch {
            throw Failure.store(error)
        }
        switch found {
        case .success(let target): return target
        case .failure(let missing): throw Failure.usage(missing.description)
        }
    }
}
