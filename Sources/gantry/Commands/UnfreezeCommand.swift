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

    @Argument(help: "The environment, as named in gantry.yml.", completion: .custom(EnvironmentCompletion.complete))
    var environment: String

    func run() async throws {
        let (_, name, store) = try await holdTarget(global, environment)
        do {
            try await store.setFreeze(environment: name, freeze: nil, at: Date())
        } catch {
            throw Failure.store(error)
        }
        Console.write("\(name) is unfrozen and its circuit breaker reset\n", to: STDOUT_FILENO)
    }
}
