/// How far a rollout has got, as its journal tells it: the one fact `status`, `show`, the
/// status API, the status page and `gantry_rollout_batch` all report, so they never disagree.
public struct RolloutProgress: Sendable, Hashable, Codable {
    /// The batch deploying or being checked, from 1.
    public var batch: Int
    public var batches: Int
    /// The batch's hosts.
    public var hosts: [String]

    public init(batch: Int, batches: Int, hosts: [String]) {
        self.batch = batch
        self.batches = batches
        self.hosts = hosts
    }

    /// `batch 2/4: web-3, web-4`.
    public var text: String { "batch \(batch)/\(batches): \(hosts.joined(separator: ", "))" }

    /// The newest batch a journal announced; nil for a deployment without a rollout.
    public static func latest(in journal: [JournalEntry]) -> RolloutProgress? {
        guard let event = journal.last(where: { $0.event.kind == .batchStarted })?.event,
              let batch = event.batch, let batches = event.batches else { return nil }
        return RolloutProgress(batch: batch, batches: batches, hosts: event.hosts ?? [])
    }

    /// The journal event that announces this batch, written before its deploy command runs.
    public var journalEvent: JournalEvent {
        var event = JournalEvent(kind: .batchStarted, step: Step.deploy.rawValue, message: text)
        event.batch = batch
        event.batches = batches
        event.hosts = hosts
        return event
    }
}
