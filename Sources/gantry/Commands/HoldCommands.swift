import ArgumentParser
import Foundation
import GantryCore
import GantryExec
import GantryTerminal

/// What a hold command works on: the context, the environment's name, and the state store
/// opened for writing.
private func holdTarget(_ global: GlobalOptions, _ environment: String) async throws -> (context: Context, name: String, store: any StateStore) {
    let context = Context(options: global)
    let config = try context.loadConfig()
    let name = try context.environment(environment, in: config).name
    guard let store = try await context.openStore(config: config, create: true) else {
        throw Failure.usage("the state store could not be created")
    }
    return (context, name, store)
}

struct LockCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "lock",
        abstract: "Hold deploys of an environment by hand until 'gantry unlock'.",
        discussion: "Deploys started while it is held are refused at once (exit 3) and name you and your reason. Exit 3 when a deployment holds the lock now."
    )

    @OptionGroup var global: GlobalOptions

    @Argument(help: "The environment, as named in gantry.yml.")
    var environment: String

    @Option(help: "Why deploys are held; shown to everyone who is refused.")
    var reason: String

    func run() async throws {
        let (context, name, store) = try await holdTarget(global, environment)
        let origin = context.origin(runner: nil)
        do {
            let attempt = try await store.tryAcquireLock(
                environment: name, owner: origin, deploymentID: nil, reason: "held by hand: \(reason)",
                ttl: .seconds(100 * 365 * 86_400), now: Date()
            )
            switch attempt {
            case .acquired(let lease):
                Console.write("\(name) is locked (lease \(lease.token)) by \(origin.actor ?? origin.host): \(reason)\ndeploys are refused until 'gantry unlock \(name)'\n", to: STDOUT_FILENO)
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

struct UnlockCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "unlock",
        abstract: "Release an environment's lock.",
        discussion: "Releases a lock held by hand or left by an automatic rollback. A running deployment's live lease is only released with --force (its remaining writes are then rejected)."
    )

    @OptionGroup var global: GlobalOptions

    @Argument(help: "The environment, as named in gantry.yml.")
    var environment: String

    @Flag(help: "Release even the live lease of a running deployment.")
    var force = false

    func run() async throws {
        let (_, name, store) = try await holdTarget(global, environment)
        do {
            guard let lease = try await store.lease(environment: name) else {
                Console.write("\(name) is not locked\n", to: STDOUT_FILENO)
                return
            }
            let running = lease.deploymentID != nil && lease.expiresAt > Date()
                && !HolderLiveness.isProvablyDead(lease.owner, processes: LocalProcessControl())
            if running, !force {
                throw Failure.refused("\(name) is held by running deployment \(lease.deploymentID!) (\(lease.owner.summary)); it releases the lock when it ends; --force releases it now and fences that deployment out")
            }
            try await store.releaseLock(environment: name, token: lease.token)
            Console.write("\(name) is unlocked (was: \(lease.reason ?? lease.owner.summary))\n", to: STDOUT_FILENO)
        } catch let error as StoreError {
            throw Failure.store(error)
        }
    }
}

struct FreezeCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "freeze",
        abstract: "Refuse deploys of an environment until 'gantry unfreeze'.",
        discussion: "A frozen environment refuses deploys before anything changes (exit 3), saying who froze it and why; 'gantry deploy --override --reason TEXT' passes and is recorded. Rollbacks and recovery still run."
    )

    @OptionGroup var global: GlobalOptions

    @Argument(help: "The environment, as named in gantry.yml.")
    var environment: String

    @Option(help: "Why deploys are refused; shown to everyone who is refused.")
    var reason: String

    func run() async throws {
        let (context, name, store) = try await holdTarget(global, environment)
        let origin = context.origin(runner: nil)
        let who = origin.actor ?? origin.host
        do {
            try await store.setFreeze(environment: name, freeze: EnvironmentState.Freeze(reason: reason, by: who, at: Date()), at: Date())
        } catch {
            throw Failure.store(error)
        }
        Console.write("\(name) is frozen by \(who): \(reason)\n", to: STDOUT_FILENO)
    }
}

struct UnfreezeCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "unfreeze",
        abstract: "Allow deploys again, and reset the circuit breaker."
    )

    @OptionGroup var global: GlobalOptions

    @Argument(help: "The environment, as named in gantry.yml.")
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
