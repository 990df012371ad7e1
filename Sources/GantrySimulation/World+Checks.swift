import GantryCore

/// The invariants checked once the schedule has run out: everything recorded, leases free
/// or live, exit codes agreeing with the records.
extension World {
    mutating func checkEverythingRecorded() {
        for d in deployers.indices where deployers[d].isRecover && deployers[d].exitCode == nil {
            violate(.everythingRecorded, "the final recover of e\(deployers[d].environment) did not finish within \(80 * schedule.lease / 1_000_000_000) s of the faults ending")
        }
        for id in store.order {
            if let record = store.records[id], record.outcome == nil {
                violate(.everythingRecorded, "deployment \(id) of e\(record.environment) has no recorded outcome after the final recover")
            }
        }
        for environment in 0..<schedule.environments {
            // A hold by hand is live until `gantry unlock` (and has no expiry to read).
            if let lease = store.table.lease(environment: SimStore.environment(environment)), !lease.isHeldByHand, SimStore.nanos(lease.expiresAt) <= now {
                violate(.everythingRecorded, "e\(environment)'s lease \(lease.token) is held and expired at the end")
            }
        }
        for d in deployers.indices {
            guard let recorded = deployers[d].recorded, let exit = deployers[d].exitCode else { continue }
            let stored = store.records[deployers[d].id]?.outcome
            if stored != recorded || exit != recorded.exitCode {
                violate(.exitMatchesRecord, "\(name(d)) exited \(exit) for \(recorded.rawValue); the store records \(stored?.rawValue ?? "nothing")")
            }
        }
    }
}
