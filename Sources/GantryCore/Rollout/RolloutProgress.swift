/// How far a rollout has got, as its journal tells it: the one fact `status`, `show`, the
/// status API, the status page and `gantry_rollout_batch` all report, so they never disagree.
package struct RolloutProgress: Sendable, Hashable, Codable {
    /// The batch deploying or being checked, from 1.
    package var batch: Int
    package var batches: Int
    /// The batch's hosts.
    package var hosts: [String]
    /// Why the rollout is paused, waiting for `gantry promote` or `gantry abort`; nil when it
    /// is not.
    package var paused: String?

    package init(batch: Int, batches: Int, hosts: [String], paused: String? = nil) {
        self.batch = batch
        self.batches = batches
        self.hosts = hosts
        self.paused = paused
    }

    /// `batch 2/4: web-3, web-4`, and `(paused: …)` while it is.
    package var text: String {
        "batch \(batch)/\(batches): \(hosts.joined(separator: ", "))" + (paused.map { " (paused: \($0))" } ?? "")
    }

    /// The newest batch a journal announced, and whether the rollout waits for a decision;
    /// nil for a deployment without a rollout.
    package static func latest(in journal: [JournalEntry]) -> RolloutProgress? {
        guard let start = journal.lastIndex(where: { $0.event.kind == .batchStarted }) else { return nil }
        let event = journal[start].event
        guard let batch = event.batch, let batches = event.batches else { return nil }
        var paused: String?
        for entry in journal[start...] {
            switch entry.event.kind {
            case .paused: paused = entry.event.message ?? "paused"
            case .promoted, .aborted, .deploymentFinished: paused = nil
            default: break
            }
        }
        return RolloutProgress(batch: batch, batches: batches, hosts: event.hosts ?? [], paused: paused)
    }

    /// The journal event that announces this batch, written before its deploy command runs.
    package var journalEvent: JournalEvent {
        var event = JournalEvent(kind: .batchStarted, step: Step.deploy.rawValue, message: text)
        event.batch = batch
        event.batches = batches
        event.hosts = hosts
        return event
    }
}
