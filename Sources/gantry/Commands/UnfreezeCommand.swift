import ArgumentParser
import Foundation
import GantryCore
import GantryExec
import GantryTerminal

struct UnfreezeCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "unfreeze",
        abstract: "Allow deploys again, and reset the circuit breaker."
    )

    @OptionGroup var global: GlobalOptions

    @Argument(help: "The environment, as named in gantry.yml.", completion: .custom(EnvironmentCompletion.complete), transform: { try EnvironmentName.argument($0) })
    var environment: String

    @Flag(help: "Print the result as JSON: the action, its message and the environment's status after it.")
    var json = false

    func run() async throws {
        let (_, name, store) = try await holdTarget(global, environment)
        do {
            try await store.setFreeze(environment: name, freeze: nil, at: Date())
        } catch {
            throw Failure.store(error)
        }
        try await ActionOutput.report("unfreeze", environment: name, message: "\(name) is unfrozen and its circuit breaker reset", json: json, store: store)
    }
}
