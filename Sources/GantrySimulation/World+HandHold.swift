import Foundation
import GantryCore

/// Holds by hand in the workload: a person's `gantry lock eN --reason …`, which takes the
/// lease with no deployment and no expiry (the production `StateStore.holdByHand`: refused
/// while a deployment waits its turn, else an acquisition, then `LeaseTable.hold`), and their
/// `gantry unlock eN` a while later, which releases it and wakes the waiters. A deploy that
/// meets the hold is refused at once (`LeaseWait`'s rule), and no command may start under one
/// (invariant 7).
/// The person types both from a runner's shell, outside its queue of jobs: their calls cross
/// that runner's network and wait out its freezes, and no fault of a job ends them.
extension World {
    static let handHoldReason = "maintenance window"

    mutating func startHandHold(_ d: Int) {
        deployers[d].phase = .waiting
        note(name(d), "gantry lock e\(deployers[d].environment) --reason \"\(Self.handHoldReason)\"")
        deployers[d].waiting = .call(send(.holdByHand, for: d))
    }

    /// The store's answer (nil: none in time) to `gantry lock` or `gantry unlock`.
    mutating func handHoldAnswered(_ d: Int, _ answer: StoreCall.Answer?, call: StoreCall) {
        let environment = deployers[d].environment
        let hold = deployers[d].job.holdFor ?? 0
        switch (call.kind, answer) {
        case (.holdByHand, .lock(.acquired(let lease))):
            deployers[d].phase = .holding
            deployers[d].token = lease.token
            note(name(d), "e\(environment) held by hand under token \(lease.token)", "gantry unlock in \(hold / 1_000_000) ms")
            queue.push(.unlockDue(d), at: now + storeSpan(deployers[d].runner, hold))
        case (.holdByHand, .lock(let attempt)):
            // `LockCommand`: the lock is someone else's now; exit 3.
            end(d, exit: ExitStatus.refused, why: "gantry lock refused: e\(environment) is \(Self.describe(attempt))")
        case (.holdByHand, .none):
            // The hold may have been taken (an answer lost after the write): the person unlocks
            // when they meant to all the same, which releases their hold if there is one.
            deployers[d].phase = .holding
            note(name(d), "gantry lock: the store did not answer", "gantry unlock in \(hold / 1_000_000) ms all the same")
            queue.push(.unlockDue(d), at: now + storeSpan(deployers[d].runner, hold))
        case (.unlock, .accepted):
            deployers[d].phase = .done
            deployers[d].exitCode = ExitStatus.success
            note(name(d), "e\(environment) unlocked", "exit 0")
        case (.unlock, _):
            // The person runs it again a while later, until the store answers.
            let again = schedule.lease / 2
            note(name(d), "gantry unlock: the store did not answer", "run again in \(again / 1_000_000) ms")
            queue.push(.unlockDue(d), at: now + storeSpan(deployers[d].runner, again))
        default:
            end(d, exit: ExitStatus.needsPerson, why: "no step for the answer to \(describe(call.kind)) in the simulation")
        }
    }

    mutating func sendUnlock(_ d: Int) {
        guard deployers[d].alive, deployers[d].phase == .holding else { return }
        if case .call = deployers[d].waiting { return }
        note(name(d), "gantry unlock e\(deployers[d].environment)")
        deployers[d].waiting = .call(send(.unlock, for: d))
    }

    /// The store takes the hold: `StateStore.holdByHand`'s look at the queue and its two
    /// writes (a lease of no deployment that never expires, then turned into a hold), at one
    /// instant.
    mutating func applyHoldByHand(_ d: Int) -> StoreCall.Answer {
        let environment = deployers[d].environment
        let at = SimStore.date(now)
        // A deployment waiting its turn goes first (`holdByHand` looks at the queue).
        let live = at.addingTimeInterval(-DeploymentEngine.waiterStaleness.seconds)
        if let first = store.table.waiters(environment: SimStore.environment(environment), liveSince: live).first {
            note("store", "hold by hand from \(name(d))", "refused: \(first.deploymentID) waits its turn")
            return .lock(.queuedBehind(first))
        }
        let request = LockRequest(
            environment: SimStore.environment(environment), owner: origin(d), deploymentID: nil, reason: Self.handHoldReason,
            ttl: .milliseconds(Int64(Lease.handHeldUntil.timeIntervalSince(at) * 1000)), now: at
        )
        var attempt = store.table.acquire(request)
        if case .acquired(var lease) = attempt {
            store.table.hold(environment: SimStore.environment(environment), token: lease.token, reason: Self.handHoldReason)
            lease.expiresAt = Lease.handHeldUntil
            attempt = .acquired(lease)
            store.newest[environment] = lease.token
        }
        note("store", "hold by hand from \(name(d))", Self.describe(attempt))
        return .lock(attempt)
    }

    /// `gantry unlock`: the lease judged is the lease released. The person releases the hold
    /// they see is theirs (`gantry status`), and nothing when there is none (their `gantry
    /// lock` was refused or never reached the store, or an earlier unlock went through).
    mutating func applyUnlock(_ d: Int) -> StoreCall.Answer {
        let environment = deployers[d].environment
        guard let lease = store.table.lease(environment: SimStore.environment(environment)), lease.isHeldByHand, lease.owner == origin(d) else {
            note("store", "unlock from \(name(d))", "no hold of theirs")
            return .accepted
        }
        store.table.release(environment: SimStore.environment(environment), token: lease.token)
        note("store", "unlock from \(name(d))", "hold \(lease.token) released")
        wakeWaiters(of: environment)
        return .accepted
    }

    /// Invariant 7: a command starts only under the environment's live lease, so never while
    /// the environment is held by hand (the hold's token is newer than any lease before it).
    mutating func checkNotHeldByHand(_ d: Int, kind: CommandRun.Kind, token: FencingToken) {
        let environment = deployers[d].environment
        guard let lease = store.table.lease(environment: SimStore.environment(environment)), lease.isHeldByHand else { return }
        violate(.handHoldRespected, "\(name(d))'s \(kind.rawValue) (token \(token)) started while e\(environment) was held by hand under token \(lease.token)")
    }
}
