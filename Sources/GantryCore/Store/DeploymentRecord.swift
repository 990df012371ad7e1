package import Foundation

/// One run of `gantry deploy` (or a rollback), as history shows it.
package struct DeploymentRecord: Sendable, Hashable, Codable {
    package enum Kind: String, Sendable, Hashable, Codable {
        case deploy
        case rollback
        /// `gantry recover`: finishes or undoes deployments that were killed, nothing else.
        case recover
    }

    package var id: DeploymentID
    package var environment: String
    package var release: String
    package var kind: Kind
    /// Nil while the deployment runs.
    package var outcome: Outcome?
    /// Why it ended the way it did, in a sentence (masked).
    package var reason: String?
    /// Why it did not succeed, as a code (`ReasonCatalog`); nil while it runs, when it
    /// succeeded or was skipped, and in records of versions before codes.
    package var reasonCode: ReasonCode?
    package var startedAt: Date
    package var finishedAt: Date?
    /// Who ran it: host, process, runner, CI context.
    package var origin: Origin
    package var forced: Bool
    /// `--skip-promotion --reason T`: the deploy went past its promotion gate or approvals;
    /// what was journaled (who, why, what the gate said). Counted by
    /// `gantry_break_glass_total` and marked on the status page.
    package var breakGlass: String?
    /// When the store recorded the outcome, on the store's clock (PostgreSQL); nil where that
    /// clock is the deploying machine's (SQLite) and in records of older versions. A
    /// promotion's soak is measured from it, so a runner with a wrong clock cannot shorten it.
    package var storeFinishedAt: Date?

    package init(
        id: DeploymentID, environment: String, release: String, kind: Kind = .deploy, outcome: Outcome? = nil,
        reason: String? = nil, reasonCode: ReasonCode? = nil, startedAt: Date, finishedAt: Date? = nil, origin: Origin, forced: Bool = false
    ) {
        self.reasonCode = reasonCode
        self.id = id
        self.environment = environment
        self.release = release
        self.kind = kind
        self.outcome = outcome
        self.reason = reason
        self.startedAt = startedAt
        self.finishedAt = finishedAt
        self.origin = origin
        self.forced = forced
    }

    package var duration: Duration? {
        finishedAt.map { .milliseconds(Int64(($0.timeIntervalSince(startedAt) * 1000).rounded())) }
    }
}
