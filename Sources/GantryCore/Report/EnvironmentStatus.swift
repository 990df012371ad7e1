package import Foundation

/// What the state store knows about one environment at a moment: its releases, freeze,
/// lock, queue, newest deployments and a running rollout's batch. `gantry status` (text and
/// `--json`), `/api/v1/status`, the status page and the metrics all read this one model,
/// assembled in one place, so no two of them can tell a different story about the same
/// store; each only chooses how to show it.
package struct EnvironmentStatus: Sendable {
    package var name: String
    package var state: EnvironmentState
    /// The lease as stored; `liveLease(at:)` is the one that still holds the environment.
    package var lease: Lease?
    /// The live waiters, in queue order.
    package var waiters: [LockWaiter]
    /// The newest deployments, newest first.
    package var recent: [DeploymentRecord]
    /// The batch the newest deployment's rollout is at, while that deployment is unfinished.
    package var rollout: RolloutProgress?
    /// With `promote_from`: what its gate says of the source's current release now.
    package var promotion: PromotionStatus?

    package init(name: String, state: EnvironmentState? = nil, lease: Lease? = nil, waiters: [LockWaiter] = [], recent: [DeploymentRecord] = [], rollout: RolloutProgress? = nil) {
        self.name = name
        self.state = state ?? EnvironmentState(name: name)
        self.lease = lease
        self.waiters = waiters
        self.recent = recent
        self.rollout = rollout
    }

    /// The lease, when it still holds the environment at `now`.
    package func liveLease(at now: Date) -> Lease? {
        lease.flatMap { $0.isLive(at: now) ? $0 : nil }
    }

    /// Reads `name`'s status: its `recent` newest deployments and waiters heard from within
    /// `DeploymentEngine.waiterStaleness`. With `rollouts` (the environment rolls out in
    /// batches), also the batch of the deployment that holds the live lease (running or
    /// left paused, whatever was refused since), else of the newest deployment when it is an
    /// unfinished deploy (an abandoned rollout); without, no journal is read.
    /// With `promotion` (`promote_from`), also the gate's verdict on the source's current release.
    package static func read(
        _ name: String, store: any StateStore, now: Date, recent: Int, rollouts: Bool, promotion: PromotionConfig? = nil
    ) async throws(StoreError) -> EnvironmentStatus {
        var status = EnvironmentStatus(name: name)
        if let promotion {
            let source = try await store.environmentState(promotion.environment)
            let records = try await store.deployments(environment: promotion.environment, limit: 1000)
            // The soak on the store's clock where it has one, as the gate judges it.
            status.promotion = PromotionStatus.judge(promotion, source: source, records: records, now: try await store.now() ?? now)
        }
        status.state = try await store.environmentState(name)
        status.lease = try await store.lease(environment: name)
        status.waiters = try await store.waiters(environment: name, liveSince: now.addingTimeInterval(-DeploymentEngine.waiterStaleness.seconds))
        status.recent = try await store.deployments(environment: name, limit: max(1, recent))
        guard rollouts else { return status }
        if let holder = status.liveLease(at: now)?.deploymentID {
            status.rollout = RolloutProgress.latest(in: try await store.journal(holder))
        } else if let newest = status.recent.first, newest.outcome == nil, newest.kind == .deploy {
            status.rollout = RolloutProgress.latest(in: try await store.journal(newest.id))
        }
        return status
    }
}
