import GantryCore

/// The network between the runners and the store, and the store applying each call on its
/// own clock: latency, lost requests, answers lost after the write committed, restarts and
/// partitions.
extension World {
    /// Sends `kind` for deployer `d`; returns the call.
    @discardableResult
    mutating func send(_ kind: StoreCall.Kind, for d: Int) -> Int {
        let runner = deployers[d].runner
        var call = StoreCall(deployer: d, kind: kind, sentAt: now, sentLocal: local(runner, now))
        let index = calls.count
        let out = latency(answer: false)
        if runners[runner].partitioned(at: now) || lossWindow(.requestLost, at: now) && random.chance(0.3) {
            call.lost = true
        } else {
            queue.push(.arrive(index), at: now + out)
        }
        calls.append(call)
        // Renewals give up after a third of the lease on the runner's clock; other calls
        // after the store's deadline (10 s).
        let bound: Int64 = if case .renew = kind { storeSpan(runner, schedulePlan.attemptBound.nanoseconds) } else { 10 * Schedule.second }
        queue.push(.timeout(index), at: now + bound)
        return index
    }

    func lossWindow(_ kind: FaultKind, at time: Int64) -> Bool {
        schedule.faults.contains { $0.kind == kind && $0.at <= time && time < $0.at + $0.duration }
    }

    /// A one-way delay. A slow store (a loaded server, a congested path) takes up to a
    /// twentieth of the lease to take a request in and up to a whole lease to answer: a
    /// write may commit long before its confirmation arrives.
    mutating func latency(answer: Bool) -> Int64 {
        if lossWindow(.storeSlow, at: now) { return random.int(in: 0...(answer ? schedule.lease : schedule.lease / 20)) }
        return random.int(in: 500_000...20_000_000)
    }

    mutating func arrive(_ c: Int) {
        let runner = deployers[calls[c].deployer].runner
        if now < store.downUntil || runners[runner].partitioned(at: now) {
            calls[c].lost = true
            return
        }
        let answer = apply(calls[c])
        calls[c].answer = answer
        if lossWindow(.answerLost, at: now) && random.chance(0.3) || runners[runner].partitioned(at: now) {
            calls[c].lost = true
            note("store", "\(describe(calls[c].kind)) from \(name(calls[c].deployer)) committed", "answer lost")
            return
        }
        queue.push(.answer(c), at: now + latency(answer: true))
    }

    /// The store applies a call at its own time, `now`.
    mutating func apply(_ call: StoreCall) -> StoreCall.Answer {
        let d = call.deployer
        let environment = deployers[d].environment
        let name = SimStore.environment(environment)
        let token = deployers[d].token
        switch call.kind {
        case .acquire, .enqueue, .readWaiters, .heartbeat, .dequeue:
            return applyLeaseWait(call)
        case .holdByHand:
            return applyHoldByHand(d)
        case .unlock:
            return applyUnlock(d)
        case .renew:
            guard let token else { return .renewed(nil) }
            let lease = store.table.renew(environment: name, token: token, ttl: .nanoseconds(schedule.lease), now: SimStore.date(now))
            if let lease {
                checkFenced(token, environment: environment, what: "a renewal")
                store.expiries[environment, default: [:]][token.value] = SimStore.nanos(lease.expiresAt)
            }
            return .renewed(lease)
        case .begin:
            guard accepts(token, environment: environment, what: "the deployment's row") else { return .stale }
            store.records[deployers[d].id] = SimStore.Record(environment: environment, release: deployers[d].job.release, runner: deployers[d].runner)
            store.order.append(deployers[d].id)
            let unfinished = store.order.filter { $0 != deployers[d].id && store.records[$0]?.environment == environment && store.records[$0]?.outcome == nil }
            let last = store.order.last { $0 != deployers[d].id && store.records[$0]?.environment == environment && store.records[$0]?.outcome.map { $0 != .skipped && $0 != .refused } == true }
            let lastRecord = last.flatMap { id in
                store.records[id].map { DeploymentRecord(id: DeploymentID(rawValue: id), environment: name, release: $0.release, outcome: $0.outcome, startedAt: SimStore.date(0), origin: Origin(host: "runner-\($0.runner + 1)", pid: 0)) }
            }
            return .begun(state: store.states[environment] ?? EnvironmentState(name: name), unfinished: unfinished, last: lastRecord)
        case .journal:
            return accepts(token, environment: environment, what: "a journal entry") ? .accepted : .stale
        case .recoverRecord(let ids):
            guard accepts(token, environment: environment, what: "recovery's records") else { return .stale }
            for id in ids where store.records[id]?.outcome == nil { store.records[id]?.outcome = .interrupted }
            return .accepted
        case .finish(let outcome, let promote):
            guard accepts(token, environment: environment, what: "the outcome") else { return .stale }
            store.records[deployers[d].id]?.outcome = outcome
            if promote {
                let release = deployers[d].job.release
                store.states[environment] = EnvironmentState(name: name, current: release, lastGood: release)
                if hosts[environment].current != release, !hosts[environment].excusedOverlap {
                    violate(.verifiedIsLive, "\(self.name(d)) recorded \(release) verified while the hosts of e\(environment) run \(hosts[environment].current ?? "nothing")")
                }
            }
            return .accepted
        case .release:
            if let token { store.table.release(environment: name, token: token) }
            wakeWaiters(of: environment)
            return .accepted
        }
    }

    /// The store's fence: only the holder's token of the newest lease is accepted (`no-fencing`
    /// accepts any). Invariant 2 is checked on every write the store accepts.
    mutating func accepts(_ token: FencingToken?, environment: Int, what: String) -> Bool {
        let accepted = plant == .noFencing || store.table.accepts(token, environment: SimStore.environment(environment))
        if accepted, let token { checkFenced(token, environment: environment, what: what) }
        return accepted
    }

    mutating func checkFenced(_ token: FencingToken, environment: Int, what: String) {
        if let newest = store.newest[environment], token < newest {
            violate(.storeFencing, "the store accepted \(what) under token \(token) after granting \(newest) for e\(environment)")
        }
    }

    static func describe(_ attempt: LockAttempt) -> String {
        // A hold by hand never expires: its expiry (`Lease.handHeldUntil`) is no time to print.
        switch attempt {
        case .acquired(let lease) where lease.isHeldByHand: "granted token \(lease.token), held by hand"
        case .acquired(let lease): "granted token \(lease.token), expires at \(SimStore.nanos(lease.expiresAt) / 1_000_000) ms"
        case .held(let lease) where lease.isHeldByHand: "held by hand under token \(lease.token)"
        case .held(let lease): "held under token \(lease.token) until \(SimStore.nanos(lease.expiresAt) / 1_000_000) ms"
        case .queuedBehind(let waiter): "queued behind \(waiter.deploymentID)"
        }
    }

    func describe(_ kind: StoreCall.Kind) -> String {
        switch kind {
        case .acquire: "acquire"
        case .enqueue: "enqueue"
        case .readWaiters: "read-waiters"
        case .heartbeat: "heartbeat"
        case .dequeue: "dequeue"
        case .holdByHand: "hold-by-hand"
        case .unlock: "unlock"
        case .renew: "renew"
        case .begin: "begin"
        case .journal: "journal"
        case .recoverRecord: "recover-record"
        case .finish(let outcome, _): "finish \(outcome.rawValue)"
        case .release: "release"
        }
    }

    mutating func answered(_ c: Int) {
        guard !calls[c].settled, !calls[c].lost, let answer = calls[c].answer else { return }
        calls[c].settled = true
        let d = calls[c].deployer
        guard deployers[d].alive else { return }
        receive(answer, for: calls[c], call: c)
    }

    mutating func timedOut(_ c: Int) {
        guard !calls[c].settled else { return }
        calls[c].settled = true
        let d = calls[c].deployer
        guard deployers[d].alive else { return }
        receive(nil, for: calls[c], call: c)
    }
}
