/// What must hold at every step of every schedule.
package enum Invariant: String, Sendable, CaseIterable {
    /// 1. Never two deploy, rollback or recovery commands of one environment running at the
    /// same instant, on the hosts' record (excused only under faults beyond any guard).
    case oneCommandAtATime = "one-command-at-a-time"
    /// 2. The store never accepts a write under a lease token older than one it has granted.
    case storeFencing = "store-fencing"
    /// 3. Once faults stop, every deployment gets a recorded outcome (or is recovered), and
    /// every lease is free or live.
    case everythingRecorded = "everything-recorded"
    /// 4. When a deployment is recorded verified, the hosts run its release.
    case verifiedIsLive = "verified-is-live"
    /// 5. The exit code agrees with the recorded outcome.
    case exitMatchesRecord = "exit-matches-record"
    /// 6. Every guard's SIGKILL lands before its lease expires on the store's clock.
    case killBeforeExpiry = "kill-before-expiry"
    /// 7. No deploy, rollback or recovery command starts while its environment is held by
    /// hand (`gantry lock`).
    case handHoldRespected = "hand-hold-respected"
    /// §4. No host accepts a change under a token older than one it has accepted.
    case hostFencing = "host-fencing"
}
