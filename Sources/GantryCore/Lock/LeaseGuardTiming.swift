/// When a command's lease guard stops the command, derived from the lease alone, so that a
/// holder that can no longer renew is out of production before its lease can expire.
///
/// All deadlines count from the moment the holder *sent* its last renewal that the store
/// then confirmed, on the machine's monotonic clock. The store computes the new expiry when
/// it receives that request, so it is later than the send; counting from the send is never
/// optimistic, and a confirmation that arrives late (a holder frozen between the answer and
/// the heartbeat) gives the guard no extra time.
///
/// With lease `L`, renewals every `L/3` and the command's grace `G`:
/// - the guard sends SIGTERM once `term` has passed without a confirmed renewal:
///   `max(2L/3, kill − G)`, so one failed renewal (and its retries) is tolerated;
/// - it sends SIGKILL at `kill = L − margin`, with `margin = L/10`;
/// - a deployment that takes over a lease a foreign holder let expire waits `margin` more
///   before it runs any command, so the old command has been dead for at least `2 × margin`.
///
/// The argument assumes only that clock *rates* on the guard's machine and the store's
/// differ by less than `margin / L` (10%); it needs no synchronized clocks.
package struct LeaseGuardTiming: Sendable, Hashable {
    /// Since the last confirmed renewal was sent: SIGTERM to the command's process group.
    package var term: Duration
    /// Since the last confirmed renewal was sent: SIGKILL to the command's process group.
    package var kill: Duration
    /// How long before the lease's expiry the kill lands; also how long a deployment that
    /// took over an expired foreign lease waits before it runs a command.
    package var margin: Duration

    /// The guard's exit status when the deadline had passed before the command could start
    /// (`LeaseGuardProcess.tooLate`; that target stays free of this module to start fast).
    package static let tooLateStatus: Int32 = 75

    /// Whether a command that ended with `termination` was stopped by its lease guard for a
    /// lease that was `lost` or not confirmed for the shortest guard term (`sinceConfirmed`:
    /// nanoseconds since the newest confirmed renewal's send): `lease_lost`, rather than a
    /// failure of its own.
    package static func stoppedForLease(_ termination: CommandTermination, sinceConfirmed: UInt64, lost: Bool, lease: Duration) -> ReasonCode? {
        let stale = sinceConfirmed >= UInt64(clamping: shortestTerm(lease: lease).milliseconds) * 1_000_000
        switch termination {
        case .signaled, .exited(tooLateStatus): return lost || stale ? .leaseLost : nil
        default: return nil
        }
    }

    package init(lease: Duration, grace: Duration) {
        margin = lease / 10
        kill = lease - margin
        term = min(kill, max(Self.shortestTerm(lease: lease), kill - grace))
    }

    /// The earliest any guard of this lease stops its command (whatever the grace): past it
    /// without a confirmed renewal, a command may have been stopped for a stale lease.
    static func shortestTerm(lease: Duration) -> Duration { lease * 2 / 3 }

    init(term: Duration, kill: Duration, margin: Duration) {
        self.term = term
        self.kill = kill
        self.margin = margin
    }
}
