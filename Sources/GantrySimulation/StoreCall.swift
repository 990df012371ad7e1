import Foundation
import GantryCore

/// One call of a gantry process to the store, over the simulated network.
struct StoreCall {
    enum Kind {
        /// The lease wait's attempt (`LockRequest.breaking`, `.waitersLiveSince`).
        case acquire(breaking: FencingToken?, waitersLiveSince: Date?)
        /// The lease wait joins the queue (boxed: most calls are not this one).
        indirect case enqueue(LockWaiter)
        /// The lease wait reads the live waiters (`supersede`).
        case readWaiters(liveSince: Date)
        /// The lease wait says it is alive.
        case heartbeat(at: Date)
        /// The lease wait leaves the queue as it gives up; nobody waits for the answer.
        case dequeue
        case renew
        /// The deployment's row, the recovery's and the decision's reads, in one round trip.
        case begin
        /// The journal entry of a command's end.
        case journal
        case recoverRecord([String])
        case finish(Outcome, promote: Bool)
        case release
        /// `gantry lock --reason`: the lease taken with no deployment, then held (no expiry).
        case holdByHand
        /// `gantry unlock` of the person's own hold by hand.
        case unlock
    }

    enum Answer {
        case lock(LockAttempt)
        case renewed(Lease?)
        case accepted
        case stale
        case begun(state: EnvironmentState, unfinished: [String], last: DeploymentRecord?)
        case waiters([LockWaiter])
    }

    let deployer: Int
    let kind: Kind
    let sentAt: Int64
    /// The send time on the runner's boot clock: what a confirmed renewal reports to the guard.
    let sentLocal: Int64
    var answer: Answer?
    /// The request or its answer was lost: the client only times out.
    var lost = false
    /// The client stopped waiting (answered, or gave up).
    var settled = false
}
