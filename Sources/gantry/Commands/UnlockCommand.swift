import ArgumentParser
import Foundation
import GantryCore
import GantryExec
import GantryTerminal

struct UnlockCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "unlock",
        abstract: "Release an environment's lock.",
        discussion: "Releases a lock held by hand or left by an automatic rollback. A running deployment's live lease is only released with --force (its remaining writes are then rejected)."
    )

    @OptionGroup var global: GlobalOptions

    @Argument(help: "The environment, as named in gantry.yml.", completion: .custom(EnvironmentCompletion.complete))
    var environment: String

    @Flag(help: "Release even the live lease of a running deployment.")
    var force = false

    func run() async throws {
        let (context, name, store) = try await holdTarget(global, environment)
        do {
            guard let lease = try await store.lease(environment: name) else {
                Console.write("\(name) is not locked\n", to: STDOUT_FILENO)
                return
            }
            // The lease judged is the lease released: its token fences out any other.
            var journal: [JournalEntry] = []
            if let deployment = lease.deploymentID { journal = try await store.journal(deployment) }
            let dead = HolderLiveness.isProvablyDead(lease.owner, processes: context.processes)
            switch LeaseLiveness.judge(lease, at: Date(), holderJournal: journal, holderDead: dead) {
            case .paused(_, let paused) where !force:
                throw Failure.refused("\(name) is held by rollout \(paused), left paused for a decision: 'gantry promote \(name)' or 'gantry abort \(name)' decides it; --force releases the lock anyway (its hosts then run a mix of releases until 'gantry recover \(name)' rolls it back)")
            case .running(let running, let deployment) where !force:
                throw Failure.refused("\(name) is held by running deployment \(deployment) (\(running.owner.summary)); it releases the lock when it ends; --force releases it now and fences that deployment out")
            case .free, .heldByHand, .deadHolder, .running, .paused:
                break
            }
            try await store.releaseLock(environment: name, token: lease.token)
            Console.write("\(name) is unlocked (was: \(lease.reason ?? lease.owner.summary))\n", to: STDOUT_FILENO)
        } catch let error as StoreError {
            throw Failure.store(error)
        }
    }
}
