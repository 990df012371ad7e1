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
    var updatedAt: Date?
    /// A deployment holds the live lease (a hand hold is not a deployment).
    package var deploying: Bool
    package var lock: LockDocument?
    package var frozen: FreezeView?
    /// The deployments waiting for the lock, in queue order.
    package var waiting: [WaiterDocument]
    package var lastDeployment: DeploymentView?
    /// The batch a running (or paused) rollout is at.
    package var rollout: RolloutProgress?
    /// `promote_from`'s gate on the source's current release (null without `promote_from`).
    package var promotion: PromotionStatus?
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
        promotion = status.promotion
        self.checks = checks?.map(ObservationDocument.init)
        self.deployments = deployments.map { Array(status.recent.prefix($0)).map(DeploymentView.init) }
    }

    enum CodingKeys: String, CodingKey {
        case environment, current, lastGood, updatedAt, deploying, lock, frozen, waiting, lastDeployment, rollout, promotion, checks, deployments
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
        try container.encode(promotion, forKey: .promotion)
        try container.encodeIfPresent(checks, forKey: .checks)
        try container.encodeIfPresent(deployments, forKey: .deployments)
    }
}
