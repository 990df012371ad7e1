import Foundation

/// A rollout left paused in the store (`on_pause: exit`), as `gantry promote` and `gantry
/// abort` find it: the deployment, how far it got, and the lease it holds. Carrying it on
/// takes over exactly that lease (its token), so a decision can never land on another
/// deployment, and fences out anything still writing with the old token.
package struct PausedRollout: Sendable, Hashable {
    package var deployment: DeploymentRecord
    /// The last batch it deployed and checked.
    var afterBatch: Int
    /// The paused deployment's lease.
    package var token: FencingToken
    /// Who decided, and why, for the journal.
    package var decision: String
    /// `gantry abort`: roll back instead of going on.
    var abort: Bool
    /// `gantry promote --full`: the remaining pause steps and bakes are skipped.
    var full = false

    package init(deployment: DeploymentRecord, afterBatch: Int, token: FencingToken, decision: String, abort: Bool, full: Bool = false) {
        self.full = full
        self.deployment = deployment
        self.afterBatch = afterBatch
        self.token = token
        self.decision = decision
        self.abort = abort
    }

    /// The rollout paused with nobody waiting, if the journal says so: the last batch it
    /// started, when its last `paused` entry is detached and undecided.
    package static func pausedBatch(in journal: [JournalEntry]) -> Int? {
        guard let progress = RolloutProgress.latest(in: journal), progress.paused != nil,
              journal.last(where: { $0.event.kind == .paused })?.event.detached == true else { return nil }
        return progress.batch
    }
}
