package import Foundation

/// A deployment waiting for an environment's lease.
package struct LockWaiter: Sendable, Hashable, Codable {
    package var deploymentID: DeploymentID
    package var release: String
    package var owner: Origin
    package var enqueuedAt: Date
    package var heartbeatAt: Date

    package init(deploymentID: DeploymentID, release: String, owner: Origin, enqueuedAt: Date, heartbeatAt: Date) {
        self.deploymentID = deploymentID
        self.release = release
        self.owner = owner
        self.enqueuedAt = enqueuedAt
        self.heartbeatAt = heartbeatAt
    }
}
