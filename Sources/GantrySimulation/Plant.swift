/// A known bug the simulator can be run with, to show it finds what it is meant to find: a
/// simulator that cannot fail proves nothing. Each must be found within the default schedule
/// count (`SimulationTests`).
package enum Plant: String, Sendable, CaseIterable {
    /// The guard kills at `L`, not `L − L/10`.
    case noMargin = "no-margin"
    /// The guard counts from a confirmation's arrival, not from the renewal's send.
    case renewFromAnswer = "renew-from-answer"
    /// The store accepts a write under a stale token.
    case noFencing = "no-fencing"
    /// Recovery does not wait the guard's margin for another host's holder.
    case recoverEarly = "recover-early"
    /// One runner's clock runs 12% slower than the store's: the documented assumption
    /// (rates within 10%) broken.
    case clockDrift12 = "clock-drift-12"
    /// Hosts do not check the fencing token of a change.
    case noHostFence = "no-host-fence"
    /// gantry and its guard measure the lease on the runner's wall clock, which the
    /// clock-jump fault moves by up to an hour either way, instead of the boot clock. It
    /// shows the jumps are not a vacuous fault: they matter the moment the lease reads them.
    case wallClockLease = "wall-clock-lease"
}
