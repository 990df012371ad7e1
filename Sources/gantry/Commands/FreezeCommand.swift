import ArgumentParser
import Foundation
import GantryCore
import GantryExec
import GantryTerminal

struct FreezeCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "freeze",
        abstract: "Refuse deploys of an environment until 'gantry unfreeze'.",
        discussion: "A frozen environment refuses deploys before anything changes (exit 3), saying who froze it and why; 'gantry deploy --override --reason TEXT' passes and is recorded. Rollbacks and recovery still run."
    )

    @OptionGroup var global: GlobalOptions

    @Argument(help: "The environment, as named in gantry.yml.", completion: .custom(EnvironmentCompletion.complete), transform: { try EnvironmentName.argument($0) })
    var environment: String

    @Option(help: "Why deploys are refused; shown to everyone who is refused.")
    var reason: String

    @Flag(help: "Print the result as JSON: the action, its message and the environment's status after it.")
    var json = false

    func run() async throws {
        let (context, name, store) = try await holdTarget(global, environment)
        let origin = context.origin(runner: nil)
        let who = origin.actor ?? origin.host
        do {
            try await store.setFreeze(environment: name, freeze: EnvironmentState.Freeze(reason: reason, by: who, at: Date()), at: Date())
        } catch {
            throw Failure.store(error)
        }
        try await ActionOutput.report("freeze", environment: name, message: "\(name) is frozen by \(who): \(reason)", json: json, store: store)
    }
}
