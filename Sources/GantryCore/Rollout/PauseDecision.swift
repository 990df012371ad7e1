package import Foundation

/// What `gantry promote` and `gantry abort` decide about an environment's paused rollout,
/// decided here once for the CLI and any other caller.
///
/// The rollout is found through the store: the environment's live lease names the
/// deployment, whose journal says it is paused. A process that waits for the decision (the
/// default `on_pause: wait`) gets it written into the journal with the token of the lease it
/// holds; the store accepts the write only while that lease is current, so a decision can
/// never land on a later deployment. A rollout nobody waits for (`on_pause: exit`) is carried
/// on by the deciding process itself: `resume`, which the engine runs after checking that the
/// config still makes the batches the rollout journaled.
package enum PauseDecision {
    /// What the deciding process does next.
    package enum Next: Sendable {
        /// Nobody waits: run the engine with `request.resume` set to this.
        case resume(PausedRollout)
        /// The decision is in the waiting deployment's journal; `text` says what happens now.
        case recorded(text: String, deployment: DeploymentID)
    }

    /// Why nothing was decided.
    package enum Refusal: Error, Sendable {
        /// Nothing is paused, or the paused deployment is gone (exit 3).
        case nothingPaused(String)
        case store(StoreError)
    }

    /// Promotes (`kind == .promoted`) or aborts (`.aborted`) the paused rollout of
    /// `environment`; `who` and `reason` are journaled, masked. `full` (`promote --full`):
    /// the rollout goes on without its remaining pause steps and bakes.
    package static func decide(
        _ kind: JournalEvent.Kind, environment: String, who: String, reason: String?, masker: SecretMasker, store: any StateStore, now: Date,
        full: Bool = false
    ) async throws(Refusal) -> Next {
        let decided: Result<Next, Refusal>
        do {
            decided = try await decision(kind, environment: environment, who: who, reason: reason, masker: masker, store: store, now: now, full: full)
        } catch {
            throw .store(error)
        }
        return try decided.get()
    }

    private static func decision(
        _ kind: JournalEvent.Kind, environment: String, who: String, reason: String?, masker: SecretMasker, store: any StateStore, now: Date,
        full: Bool
    ) async throws(StoreError) -> Result<Next, Refusal> {
        let verb = kind == .promoted ? "promoted" : "aborted"
        guard let lease = try await store.lease(environment: environment), lease.isLive(at: now), let id = lease.deploymentID else {
            return .failure(.nothingPaused("\(environment) has no running deployment, so nothing is paused; see gantry status \(environment)"))
        }
        let journal = try await store.journal(id)
        guard let progress = RolloutProgress.latest(in: journal), let why = progress.paused else {
            return .failure(.nothingPaused("deployment \(id) of \(environment) is not paused; only a rollout held by a pause step, an inconclusive analysis or an alert waits for promote or abort"))
        }
        // A rollout promoted `--full` once stays so, when an alert pauses it again.
        let full = (full || journal.contains { $0.event.kind == .promoted && $0.event.full == true }) && kind == .promoted
        let message = "\(verb)\(full ? " in full (no more pauses or bakes)" : "") by \(who)\(reason.map { ": \($0)" } ?? "")"
        if let batch = PausedRollout.pausedBatch(in: journal) {
            guard let record = try await store.deployment(id) else { return .failure(.nothingPaused("deployment \(id) is not in the state store")) }
            return .success(.resume(PausedRollout(deployment: record, afterBatch: batch, token: lease.token, decision: message, abort: kind == .aborted, full: full)))
        }
        var event = JournalEvent(kind: kind, step: Step.verify.rawValue, message: masker.mask(message))
        if full { event.full = true }
        try await store.append(event, to: id, at: now, token: lease.token)
        let next = kind == .promoted
            ? (progress.batch < progress.batches ? "it goes on with batch \(progress.batch + 1)/\(progress.batches)\(full ? ", then the rest without pauses or bakes" : "")" : "it finishes")
            : "it rolls back the hosts deployed so far"
        let text = "\(environment): deployment \(id) \(verb) (it was paused at \(progress.text.replacingOccurrences(of: " (paused: \(why))", with: ""))); \(next)"
        return .success(.recorded(text: text, deployment: id))
    }

    /// Why `request` cannot carry `paused` on, if it cannot: the batches are rebuilt from
    /// today's config and inventory, and must be the ones the rollout journaled, or promote
    /// would deploy (and abort restore) other hosts.
    static func drift(of paused: PausedRollout, request: DeploymentRequest, journal: [JournalEntry]) -> String? {
        let name = request.environment.name
        let id = paused.deployment.id
        let batch = paused.afterBatch
        let journaled = RecoveryAnalysis.analyze(journal).rolloutHosts ?? []
        let rebuilt = request.batches.prefix(batch).flatMap { $0.map(\.name) }
        let batches = RolloutProgress.latest(in: journal)?.batches ?? request.batches.count
        guard request.batches.count != batches || journaled != rebuilt else { return nil }
        return "the inventory or rollout: of \(name) changed since deployment \(id) paused (it deployed \(journaled.joined(separator: ", ")) in \(batch) of \(batches) batches; today's config makes \(request.batches.count) batches starting \(rebuilt.joined(separator: ", "))); restore the config it ran with, or let its pause_timeout pass and 'gantry recover \(name)' roll it back"
    }
}
