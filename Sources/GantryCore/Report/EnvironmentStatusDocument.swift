package import Foundation

/// One environment's status as JSON: the one shape `gantry status --json` and
/// `/api/v1/status` both write, built from `EnvironmentStatus` in one place, so the two
/// cannot disagree about the same store (they once did: a hand hold expired in the year 4001
/// in one and never in the other). Every key is always present, `null` when it has no
/// value; what only `gantry serve` knows (its latest check verdicts, more of the history)
/// comes after, in `checks` and `deployments`, present in the API's document alone.
package struct EnvironmentStatusDocument: Encodable, Sendable {
    package var environment: String
    package var current: String?
    package var lastGood: String?
    package var updatedAt: Date?
    /// A deployment holds the live lease (a hand hold is not a deployment).
    package var deploying: Bool
    package var lock: LockDocument?
    package var frozen: FreezeView?
    /// The deployments waiting for the lock, in queue order.
    package var waiting: [WaiterDocument]
    package var lastDeployment: DeploymentView?
    /// The batch a running (or paused) rollout is at.
    package var rollout: RolloutProgress?
    /// `gantry serve` only: the latest verdict of each check.
    package var checks: [ObservationDocument]?
    /// `gantry serve` only: the newest deployments, newest first.
    package var deployments: [DeploymentView]?

    package init(_ status: EnvironmentStatus, at now: Date, checks: [Observation]? = nil, deployments: Int? = nil) {
        environment = status.name
        current = status.state.current
        lastGood = status.state.lastGood
        updatedAt = status.state.updatedAt
        let lease = status.liveLease(at: now)
        deploying = lease?.deploymentID != nil
        lock = lease.map(LockDocument.init)
        frozen = status.state.freeze.map(FreezeView.init)
        waiting = status.waiters.map(WaiterDocument.init)
        lastDeployment = status.recent.first.map(DeploymentView.init)
        rollout = status.rollout
        self.checks = checks?.map(ObservationDocument.init)
        self.deployments = deployments.map { Array(status.recent.prefix($0)).map(DeploymentView.init) }
    }

    enum CodingKeys: String, CodingKey {
        case environment, current, lastGood, updatedAt, deploying, lock, frozen, waiting, lastDeployment, rollout, checks, deployments
    }

    package func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(environment, forKey: .environment)
        try container.encode(current, forKey: .current)
        try container.encode(lastGood, forKey: .lastGood)
        try container.encode(updatedAt, forKey: .updatedAt)
        try container.encode(deploying, forKey: .deploying)
        try container.encode(lock, forKey: .lock)
        try container.encode(frozen, forKey: .frozen)
        try container.encode(waiting, forKey: .waiting)
        try container.encode(lastDeployment, forKey: .lastDeployment)
        try container.encode(rollout, forKey: .rollout)
        try container.encodeIfPresent(checks, forKey: .checks)
        try container.encodeIfPresent(deployments, forKey: .deployments)
    }
}

/// The live lease of an environment. A hand hold (`gantry lock`, `lock_after_rollback`)
/// never expires: `expires_at` is `null` and `held_by_hand` true, rather than the far-future
/// date the store keeps for it.
package struct LockDocument: Encodable, Sendable {
    package var token: Int64
    /// Who holds it, in a phrase: `runner r1 (host h, pid 4, by alice)`.
    package var holder: String
    package var host: String
    package var pid: Int32
    package var runner: String?
    package var actor: String?
    package var runUrl: String?
    package var deploymentId: String?
    package var reason: String?
    package var heldByHand: Bool
    package var acquiredAt: Date
    package var expiresAt: Date?

    package init(_ lease: Lease) {
        token = lease.token.value
        holder = lease.owner.summary
        host = lease.owner.host
        pid = lease.owner.pid
        runner = lease.owner.runner
        actor = lease.owner.actor
        runUrl = lease.owner.runURL
        deploymentId = lease.deploymentID?.rawValue
        reason = lease.reason
        heldByHand = lease.isHeldByHand
        acquiredAt = lease.acquiredAt
        expiresAt = lease.shownExpiry
    }

    enum CodingKeys: String, CodingKey {
        case token, holder, host, pid, runner, actor, runUrl, deploymentId, reason, heldByHand, acquiredAt, expiresAt
    }

    package func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(token, forKey: .token)
        try container.encode(holder, forKey: .holder)
        try container.encode(host, forKey: .host)
        try container.encode(pid, forKey: .pid)
        try container.encode(runner, forKey: .runner)
        try container.encode(actor, forKey: .actor)
        try container.encode(runUrl, forKey: .runUrl)
        try container.encode(deploymentId, forKey: .deploymentId)
        try container.encode(reason, forKey: .reason)
        try container.encode(heldByHand, forKey: .heldByHand)
        try container.encode(acquiredAt, forKey: .acquiredAt)
        try container.encode(expiresAt, forKey: .expiresAt)
    }
}

/// A deployment waiting for the lock.
package struct WaiterDocument: Encodable, Sendable {
    package var deploymentId: String
    package var release: String
    package var host: String
    package var pid: Int32
    package var enqueuedAt: Date

    package init(_ waiter: LockWaiter) {
        deploymentId = waiter.deploymentID.rawValue
        release = waiter.release
        host = waiter.owner.host
        pid = waiter.owner.pid
        enqueuedAt = waiter.enqueuedAt
    }
}

/// The latest verdict of a check or runner, as `gantry serve` observed it.
package struct ObservationDocument: Encodable, Sendable {
    package var name: String
    package var healthy: Bool
    package var message: String
    package var durationSeconds: Double
    package var checkedAt: Date

    package init(_ observation: Observation) {
        name = observation.name
        healthy = observation.healthy
        message = observation.message
        durationSeconds = Double(observation.durationMilliseconds) / 1000
        checkedAt = observation.at
    }
}
