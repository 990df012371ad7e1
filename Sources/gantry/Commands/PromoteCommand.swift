import ArgumentParser
import GantryCore

struct PromoteCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "promote",
        abstract: "Let a paused rollout go on with its next batch.",
        discussion: "A rollout pauses at a pause step of rollout.batches, when an analysis is inconclusive (no data, or errors within their limit), or when an alert fires (during_rollout: pause). --full goes on to the end without the remaining pause steps and bakes. Run from any runner that shares the state store; the decision is journaled and fenced by the rollout's lease. A rollout left paused with nobody waiting (rollout.on_pause: exit) is carried on by this command: it takes over the rollout's lease and deploys the remaining batches, exiting with the rollout's code (0 succeeded, 1 rolled back, 4 failed, 5 paused again). Exit 3 when nothing is paused."
    )

    @OptionGroup var global: GlobalOptions

    @Argument(help: "The environment, as named in gantry.yml.", completion: .custom(EnvironmentCompletion.complete), transform: { try EnvironmentName.argument($0) })
    var environment: String

    @Option(help: "Why, for the journal.")
    var reason: String?

    @Flag(help: "Go on to the end without the remaining pause steps and bakes; every batch is still checked.")
    var full = false

    @Flag(help: "Print the result as JSON: the decision and the environment's status after it, or, when this process carries the rollout on, the deployment's result as deploy --json prints it.")
    var json = false

    func run() async throws {
        try await PauseDecision.run(.promoted, global: global, environment: environment, reason: reason, json: json, full: full)
    }
}
