import Foundation
import GantryCore
import GantryTerminal

/// What `gantry promote` and `gantry abort` share: find the environment's paused rollout
/// through the store, and write the decision into its journal with the token of the lease it
/// holds. The store accepts the write only while that lease is current, so a decision can
/// never land on a later deployment; the paused process reads it and acts.
enum PauseDecision {
    static func decide(_ kind: JournalEvent.Kind, global: GlobalOptions, environment: String, reason: String?, json: Bool) async throws {
        let context = Context(options: global)
        let config = try context.loadConfig()
        let environmentConfig = try context.environment(environment, in: config)
        let name = environmentConfig.name
        // Only an existing store can hold a paused rollout; it is then opened for writing.
        guard try await context.openStore(config: config, create: false) != nil, let store = try await context.openStore(config: config, create: true) else {
            throw Failure.refused("nothing has been deployed with this state store yet, so nothing is paused")
        }
        let masker = SecretMasker.forEnvironment(environmentConfig, processEnvironment: context.environment)
        let verb = kind == .promoted ? "promoted" : "aborted"
        do {
            guard let lease = try await store.lease(environment: name), lease.isLive(at: Date()), let id = lease.deploymentID else {
                throw Failure.refused("\(name) has no running deployment, so nothing is paused; see gantry status \(name)")
            }
            let journal = try await store.journal(id)
            guard let progress = RolloutProgress.latest(in: journal), let why = progress.paused else {
                throw Failure.refused("deployment \(id) of \(name) is not paused; only a rollout paused by an inconclusive analysis waits for promote or abort")
            }
            let origin = context.origin(runner: nil)
            let who = "\(origin.actor ?? "someone") on \(origin.host)"
            let message = "\(verb) by \(who)\(reason.map { ": \($0)" } ?? "")"
            if let batch = PausedRollout.pausedBatch(in: journal) {
                // Nobody waits (on_pause: exit): this process carries the rollout on itself.
                guard let record = try await store.deployment(id) else { throw Failure.refused("deployment \(id) is not in the state store") }
                var request = try await context.request(for: environmentConfig, in: config, release: try Context.release(record.release))
                // The batches are rebuilt from today's config and inventory: they must be the
                // ones the rollout journaled, or promote would deploy (and abort restore) other hosts.
                let journaled = RecoveryAnalysis.analyze(journal).rolloutHosts ?? []
                let rebuilt = request.batches.prefix(batch).flatMap { $0.map(\.name) }
                guard request.batches.count == progress.batches, journaled == rebuilt else {
                    throw Failure.refused("the inventory or rollout: of \(name) changed since deployment \(id) paused (it deployed \(journaled.joined(separator: ", ")) in \(batch) of \(progress.batches) batches; today's config makes \(request.batches.count) batches starting \(rebuilt.joined(separator: ", "))); restore the config it ran with, or let its pause_timeout pass and 'gantry recover \(name)' roll it back")
                }
                request.resume = PausedRollout(deployment: record, afterBatch: batch, token: lease.token, decision: message, abort: kind == .aborted)
                try await DeploymentSession(context: context, config: config, json: json).run(request)
                return
            }
            try await store.append(JournalEvent(kind: kind, step: Step.verify.rawValue, message: masker.mask(message)), to: id, at: Date(), token: lease.token)
            let next = kind == .promoted
                ? (progress.batch < progress.batches ? "it goes on with batch \(progress.batch + 1)/\(progress.batches)" : "it finishes")
                : "it rolls back the hosts deployed so far"
            let text = "\(name): deployment \(id) \(verb) (it was paused at \(progress.text.replacingOccurrences(of: " (paused: \(why))", with: ""))); \(next)"
            try await ActionOutput.report(kind == .promoted ? "promote" : "abort", environment: name, message: text, deploymentID: id, json: json, store: store)
        } catch let error as StoreError {
            throw Failure.store(error)
        }
    }
}
