import ArgumentParser
import Foundation
import GantryCore
import GantryExec
import GantryTerminal

struct LockCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "lock",
        abstract: "Hold deploys of an environment by hand until 'gantry unlock'.",
        discussion: "Deploys started while it is held are refused at once (exit 3) and name you and your reason. Exit 3 when a deployment holds the lock now."
    )

    @OptionGroup var global: GlobalOptions

    @Argument(help: "The environment, as named in gantry.yml.", completion: .custom(EnvironmentCompletion.complete), transform: { try EnvironmentName.argument($0) })
    var environment: String

    @Option(help: "Why deploys are held; shown to everyone who is refused.")
    var reason: String

    @Flag(help: "Print the result as JSON: the action, its message and the environment's status after it.")
    var json = false

    func run() async throws {
        let (context, name, store) = try await holdTarget(global, environment)
        let origin = context.origin(runner: nil)
        do {
            let attempt = try await store.holdByHand(environment: name, owner: origin, reason: reason, now: Date())
            switch attempt {
            case .acquired(let lease):
                let message = "\(name) is locked (lease \(lease.token)) by \(origin.actor ?? origin.host): \(reason)\ndeploys are refused until 'gantry unlock \(name)'"
                try await ActionOutput.report("lock", environment: name, message: message, json: json, store: store)
            case .held(let lease):
                throw Failure.refused("\(name) is already locked by \(lease.owner.summary): \(lease.reason ?? "")")
            case .queuedBehind(let waiter):
                throw Failure.refused("deployment \(waiter.deploymentID) is waiting for \(name); try again when it has run")
            }
        } catch let error as StoreError {
            throw Failure.store(error)
        }
    }
}
