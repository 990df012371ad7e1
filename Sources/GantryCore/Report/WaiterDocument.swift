package import Foundation

/// A deployment waiting for the lock.
package struct WaiterDocument: Encodable, Sendable {
    package var deploymentId: String
    package var release: String
    package var host: String
    package var pid: Int32
    package var enqueuedAt: Date

    init(_ waiter: LockWaiter) {
        deploymentId = waiter.deploymentID.rawValue
        release = waiter.release
        host = waiter.owner.host
        pid = waiter.owner.pid
        enqueuedAt = waiter.enqueuedAt
    }
}
