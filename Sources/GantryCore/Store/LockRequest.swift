package import Foundation

/// A request for an environment's lease.
package struct LockRequest: Sendable, Hashable {
    package var environment: String
    package var owner: Origin
    package var deploymentID: DeploymentID?
    package var reason: String?
    package var ttl: Duration
    package var now: Date
    /// Set for a queued deployment: granted only when no live waiter queued before it.
    package var waiter: DeploymentID?
    /// Waiters that last said they were alive before this are ignored.
    package var waitersLiveSince: Date?
    /// Take the lease even though it is live, provided it still has this token: its holder
    /// is known to be dead.
    package var breaking: FencingToken?

    package init(
        environment: String, owner: Origin, deploymentID: DeploymentID?, reason: String?, ttl: Duration, now: Date,
        waiter: DeploymentID? = nil, waitersLiveSince: Date? = nil, breaking: FencingToken? = nil
    ) {
        self.environment = environment
        self.owner = owner
        self.deploymentID = deploymentID
        self.reason = reason
        self.ttl = ttl
        self.now = now
        self.waiter = waiter
        self.waitersLiveSince = waitersLiveSince
        self.breaking = breaking
    }
}
