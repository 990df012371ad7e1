import Foundation

/// Where one deployment writes down what it does: its journal in the store, each entry
/// stamped by the deployment's clock and fenced by its lease's token (nil before the lease is
/// taken, and for a refusal). Every performer writes through one, so none needs the whole run.
struct RunJournal: Sendable {
    let store: any StateStore
    let id: DeploymentID
    let clock: any GantryClock
    let token: FencingToken?

    func append(_ event: JournalEvent) async throws(StoreError) {
        try await store.append(event, to: id, at: clock.now(), token: token)
    }

    /// Several entries in one write (a verification's verdicts).
    func append(_ events: [JournalEvent]) async throws(StoreError) {
        try await store.append(events, to: id, at: clock.now(), token: token)
    }
}
