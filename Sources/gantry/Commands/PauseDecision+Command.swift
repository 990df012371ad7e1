import Foundation
import GantryCore

extension PauseDecision {
    /// `gantry promote` and `gantry abort`: opens the store and acts on the core's decision,
    /// carrying the rollout on here when nobody waits for it.
    static func run(_ kind: JournalEvent.Kind, global: GlobalOptions, environment: String, reason: String?, json: Bool, full: Bool = false) async throws {
        let context = Context(options: global)
        let config = try context.loadConfig()
        let environmentConfig = try context.environment(environment, in: config)
        let name = environmentConfig.name
        // Only an existing store can hold a paused rollout; it is then opened for writing.
        guard try await context.openStore(config: config, create: false) != nil, let store = try await context.openStore(config: config, create: true) else {
            throw Failure.refused("nothing has been deployed with this state store yet, so nothing is paused")
        }
        let origin = context.origin(runner: nil)
        let next: Next
        do {
            next = try await decide(
                kind, environment: name, who: "\(origin.actor ?? "someone") on \(origin.host)", reason: reason,
                masker: SecretMasker.forEnvironment(environmentConfig, processEnvironment: context.environment), store: store, now: Date(), full: full
            )
        } catch {
            switch error {
            case .nothingPaused(let why): throw Failure.refused(why)
            case .store(let storeError): throw Failure.store(storeError)
            }
        }
        switch next {
        case .resume(let paused):
            var request = try await context.request(for: environmentConfig, in: config, release: try Context.release(paused.deployment.release))
            request.resume = paused
            try await DeploymentSession(context: context, config: config, json: json).run(request)
        case .recorded(let text, let id):
            do {
                try await ActionOutput.report(kind == .promoted ? "promote" : "abort", environment: name, message: text, deploymentID: id, json: json, store: store)
            } catch let error as StoreError {
                throw Failure.store(error)
            }
        }
    }
}
