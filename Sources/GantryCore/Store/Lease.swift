package import Foundation

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
