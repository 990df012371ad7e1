package import Foundation

/// What an environment runs, as far as verification knows.
package struct EnvironmentState: Sendable, Hashable, Codable {
    package var name: String
    /// The release that last passed verification. Only a verified deploy sets it.
    package var current: String?
    /// The release to roll back to.
    package var lastGood: String?
    /// The deployment that set `current`.
    package var currentDeploymentID: DeploymentID?
    package var updatedAt: Date?
    /// Set while someone has frozen the environment by hand.
    package var freeze: Freeze?
    /// `gantry unfreeze` resets the circuit breaker: failures before this do not count.
    package var breakerResetAt: Date?

    /// A hold on deploys, by hand, with why.
    package struct Freeze: Sendable, Hashable, Codable {
        package var reason: String
        package var by: String
        package var at: Date

        package init(reason: String, by: String, at: Date) {
            self.reason = reason
            self.by = by
            self.at = at
        }
    }

    package init(
        name: String, current: String? = nil, lastGood: String? = nil, currentDeploymentID: DeploymentID? = nil, updatedAt: Date? = nil,
        freeze: Freeze? = nil, breakerResetAt: Date? = nil
    ) {
        self.freeze = freeze
        self.breakerResetAt = breakerResetAt
        self.name = name
        self.current = current
        self.lastGood = lastGood
        self.currentDeploymentID = currentDeploymentID
        self.updatedAt = updatedAt
    }
}

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

/// Where a deployment or lock came from: enough to find the job that holds production.
package struct Origin: Sendable, Hashable, Codable {
    package var host: String
    package var pid: Int32
    package var runner: String?
    /// `GITHUB_ACTOR`, or the local user.
    package var actor: String?
    /// A link to the CI run, when there is one.
    package var runURL: String?
    package var commit: String?
    /// Which machine, boot and PID namespace the process ran in, and when it started: what
    /// tells a dead holder from a live one in another container with the same host name, and
    /// a reused pid from the original process. Nil in records of older versions.
    package var process: ProcessIdentity?

    package init(
        host: String, pid: Int32, runner: String? = nil, actor: String? = nil, runURL: String? = nil, commit: String? = nil,
        process: ProcessIdentity? = nil
    ) {
        self.host = host
        self.pid = pid
        self.runner = runner
        self.actor = actor
        self.runURL = runURL
        self.commit = commit
        self.process = process
    }

    /// `runner primary (host ci-01, pid 4242, by alice)`.
    package var summary: String {
        var parts = ["host \(host)", "pid \(pid)"]
        if let actor { parts.append("by \(actor)") }
        var text = parts.joined(separator: ", ")
        if let runner { text = "runner \(runner) (\(text))" }
        if let runURL { text += " \(runURL)" }
        return text
    }
}

/// A deployment's lease on an environment. The fencing token only ever increases per
/// environment, so a holder whose lease was taken over cannot write with its old token.
package struct Lease: Sendable, Hashable, Codable {
    package var environment: String
    package var token: FencingToken
    package var owner: Origin
    package var deploymentID: DeploymentID?
    package var reason: String?
    package var acquiredAt: Date
    package var expiresAt: Date

    /// The expiry of every hold by hand, whichever way it was taken (`gantry lock` through
    /// `StateStore.holdByHand`, `protect.lock_after_rollback` through `holdLock`), in every
    /// store: it never comes. It reads as "held by hand" through `isHeldByHand`.
    package static let handHeldUntil = Date.distantFuture

    /// A hold by hand (`gantry lock`, `protect.lock_after_rollback`): no deployment holds it,
    /// it never expires, and only `gantry unlock` releases it.
    package var isHeldByHand: Bool { deploymentID == nil }

    /// The expiry worth showing: nil for a hold by hand.
    package var shownExpiry: Date? { isHeldByHand ? nil : expiresAt }

    package init(environment: String, token: FencingToken, owner: Origin, deploymentID: DeploymentID?, reason: String?, acquiredAt: Date, expiresAt: Date) {
        self.environment = environment
        self.token = token
        self.owner = owner
        self.deploymentID = deploymentID
        self.reason = reason
        self.acquiredAt = acquiredAt
        self.expiresAt = expiresAt
    }
}

/// A lease's fencing token: every state write of a deployment carries it.
package struct FencingToken: Sendable, Hashable, Comparable, Codable, CustomStringConvertible {
    package var value: Int64

    package init(_ value: Int64) {
        self.value = value
    }

    package static func < (lhs: FencingToken, rhs: FencingToken) -> Bool { lhs.value < rhs.value }

    package var description: String { String(value) }

    package init(from decoder: any Decoder) throws {
        value = try decoder.singleValueContainer().decode(Int64.self)
    }

    package func encode(to encoder: any Encoder) throws {
        var container = encoder.singleValueContainer()
        try container.encode(value)
    }
}

/// The answer to a lock request.
package enum LockAttempt: Sendable, Hashable {
    case acquired(Lease)
    /// Someone else holds a live lease.
    case held(Lease)
    /// The lease is free, but a live waiter queued earlier goes first.
    case queuedBehind(LockWaiter)
}

/// One entry of a deployment's journal, numbered in the order it was written.
package struct JournalEntry: Sendable, Hashable, Codable {
    package var sequence: Int
    package var at: Date
    package var event: JournalEvent

    package init(sequence: Int, at: Date, event: JournalEvent) {
        self.sequence = sequence
        self.at = at
        self.event = event
    }
}
