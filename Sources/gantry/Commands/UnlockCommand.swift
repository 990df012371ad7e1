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

    @Argument(help: "The environment, as named in gantry.yml.", completion: .custom(EnvironmentCompletion.complete), transform: { try EnvironmentName.argument($0) })
    var environment: String

    @Flag(help: "Release even the live lease of a running deployment.")
    var force = false

    @Flag(help: "Print the result as JSON: the action, its message and the environment's status after it.")
    var json = false

    func run() async throws {
        let (context, name, store) = try await holdTarget(global, environment)
        do {
            guard let lease = try await store.lease(environment: name) else {
                try await ActionOutput.report("unlock", environment: name, message: "\(name) is not locked", json: json, store: store)
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
            let was = lease.isHeldByHand ? "held by hand by \(lease.owner.actor ?? lease.owner.host)\(lease.reason.map { ": \($0)" } ?? "")" : (lease.reason ?? lease.owner.summary)
            try await ActionOutput.report("unlock", environment: name, message: "\(name) is unlocked (was: \(was))", json: json, store: store)
        } catch let error as StoreError {
            throw Failure.store(error)
        }
    }
}
