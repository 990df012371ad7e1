import GantryCore
import GantryLeaseGuard

/// One deploy or rollback command on a simulated runner, under its lease guard: when it
/// started and will end, the guard's production decision (`LeaseGuardWatch`), and whether a
/// fault beyond any guard excuses it from the one-command-at-a-time invariant.
struct CommandRun {
    enum Kind: String { case deploy, rollback }

    let id: Int
    let deployer: Int
    let runner: Int
    let environment: Int
    let token: FencingToken
    let kind: Kind
    /// The release the hosts run after its changes.
    let release: String
    let start: Int64
    var plannedEnd: Int64
    var fails: Bool
    let changes: Int
    var changesDone = 0
    var watch: LeaseGuardWatch
    var guardAlive = true
    /// The guard was told the holder is gone: its kill is not a deadline kill.
    var holderGone = false
    var ended = false
    var endedAt: Int64 = 0
    var termination = CommandTermination.exited(0)
    var dying = false
    /// Under a fault beyond any guard (its whole runner froze, or its guard was killed and
    /// its gantry froze): an overlap with it is the fence's to stop, not the lease's.
    var excused = false
}
