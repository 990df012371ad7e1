import GantryCore

/// One call of a gantry process to the store, over the simulated network.
struct StoreCall {
    enum Kind {
        case acquire
        case renew
        /// The deployment's row, the recovery's and the decision's reads, in one round trip.
        case begin
        /// The journal entry of a command's end.
        case journal
        case recoverRecord([String])
        case finish(Outcome, promote: Bool)
        case release
    }

    enum Answer {
        case lock(LockAttempt)
        case renewed(Lease?)
        case accepted
        case stale
        case begun(state: EnvironmentState, unfinished: [String], last: DeploymentRecord?)
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
