import Foundation
import GantryCore

/// The wait for the lease, as production waits: each deployer steps the production
/// `LeaseWait` and performs what it asks the way `LeaseWaitDriver.acquire()` does (store
/// calls over the simulated network; the holder's journal and the announcement at once; a
/// wait that a release ends early), so the rules a waiter lives by (arrival order, `--wait`, a
/// hold by hand refused at once, `supersede`, heartbeats and stale waiters) are the product's,
/// not the simulator's.
extension World {
    /// How long one wait for a release lasts before the store is asked again. Production asks
    /// every 20 ms (`DeploymentEngine.lockPollInterval`), which here would multiply a waiter's
    /// events a hundredfold for nothing: the simulated store wakes every waiter on a release,
    /// as PostgreSQL's LISTEN/NOTIFY does, so the interval only sets how soon an expiry is
    /// noticed. It stays under a fifth of `DeploymentEngine.waiterStaleness`, so a waiter
    /// queued behind another (which asks every two intervals) says it is alive well within it.
    static func leasePollInterval(lease: Int64) -> Duration {
        .nanoseconds(min(lease / 12, 2 * Schedule.second))
    }

    /// The runners' wall clock at the store's time `time`, which the lease wait reads
    /// (`clock.now()` in production). The wait compares its times with other runners' (whether
    /// a waiter's heartbeat is live) and with the store's expiries, as production does across
    /// hosts whose wall clocks NTP keeps within milliseconds of each other: so it is the
    /// store's time here. The boot clock, which drifts in this simulation and reads anything
    /// at the start, is what the lease's own timing (the acquiring request's send, the guard)
    /// reads, as in production.
    func wallClock(_ time: Int64) -> Date { SimStore.date(time) }

    /// Who a deployer's requests say they come from (unique per gantry process).
    func origin(_ d: Int) -> Origin { Origin(host: "runner-\(deployers[d].runner + 1)", pid: Int32(d)) }

    /// What `LeaseWaitDriver` makes of a deployment's request, for deployer `d`.
    func leaseWaitSettings(_ d: Int) -> LeaseWait.Settings {
        let job = deployers[d].job
        return LeaseWait.Settings(
            environment: SimStore.environment(job.environment), deploymentID: DeploymentID(rawValue: deployers[d].id), release: job.release,
            owner: origin(d), lockWait: .nanoseconds(job.lockWait), lease: .nanoseconds(schedule.lease),
            // The final recover is the simulation's check that everything is recorded once the
            // faults stop: superseded by a late deploy of the workload, the check would fall to
            // a deploy that may give up its own --wait. It waits its turn whatever the setting.
            supersede: !deployers[d].isRecover && schedule.supersede.contains(job.environment),
            pollInterval: Self.leasePollInterval(lease: schedule.lease),
            heartbeat: DeploymentEngine.waiterHeartbeat, staleness: DeploymentEngine.waiterStaleness
        )
    }

    mutating func startLeaseWait(_ d: Int) {
        var wait = LeaseWait(leaseWaitSettings(d), startedAt: wallClock(now))
        let action = wait.start()
        deployers[d].wait = wait
        performWait(d, action)
    }

    /// Performs the lease wait's actions until one has to wait for the world: a store call, a
    /// timer, or the end of the wait. The trace shows its decisions (the holder looked at, the
    /// queue joined, the announcement, each wait, the lease or the refusal; each attempt is the
    /// store's line), not the heartbeats and queue reads every poll makes.
    mutating func performWait(_ d: Int, _ first: LeaseWait.Action) {
        var action = first
        while true {
            switch action {
            case .attempt(let breaking, let waitersLiveSince):
                // No holder is ever found dead here (`holderDead` is false), so nothing is broken.
                if let breaking { note(name(d), "lease wait", "break lease \(breaking.token)") }
                deployers[d].waiting = .call(send(.acquire(breaking: breaking?.token, waitersLiveSince: waitersLiveSince), for: d))
                return
            case .inspect(let holder):
                // A simulated rollout never leaves a paused rollout holding a lease with no process.
                note(name(d), "lease wait: the journal of \(holder), the holder", "no rollout left paused")
                action = deployers[d].wait!.inspected(pausedRollout: nil)
            case .enqueue(let waiter):
                note(name(d), "lease wait", "join the queue")
                deployers[d].waiting = .call(send(.enqueue(waiter), for: d))
                return
            case .announce(let text):
                note(name(d), "lease wait", text)
                action = deployers[d].wait!.announced()
            case .readWaiters(let liveSince):
                deployers[d].waiting = .call(send(.readWaiters(liveSince: liveSince), for: d))
                return
            case .heartbeat(let at):
                deployers[d].waiting = .call(send(.heartbeat(at: at), for: d))
                return
            case .wait(let pause):
                // On the runner's clock, as production sleeps; a release heard ends it sooner.
                let delay = storeSpan(deployers[d].runner, pause.nanoseconds)
                note(name(d), "lease wait", "wait up to \(delay / 1_000_000) ms for a release")
                deployers[d].wakeGeneration += 1
                deployers[d].waiting = .delay
                queue.push(.wake(d, deployers[d].wakeGeneration), at: now + delay)
                return
            case .acquired(let lease, let sentAt, _):
                deployers[d].wait = nil
                return leaseTaken(d, lease, sentLocal: Int64(sentAt))
            case .refused(let refusal, let dequeue):
                // Production records the refusal with no token; the simulation records none.
                deployers[d].wait = nil
                deployers[d].refusal = refusal.code
                if dequeue { send(.dequeue, for: d) }
                return end(d, exit: ExitStatus.refused, why: "refused, \(refusal.code.rawValue): \(refusal.text)")
            }
        }
    }

    /// The store's answer (nil: none in time) to one of the lease wait's calls.
    mutating func leaseWaitAnswered(_ d: Int, _ answer: StoreCall.Answer?, call: StoreCall) {
        guard deployers[d].wait != nil else { return }
        guard let answer else {
            // The store call threw: production's driver gives up the wait, and the deployment
            // ends on a store failure before any change (`Failure.store`: exit 2), its place in
            // the queue left to go stale.
            deployers[d].wait = nil
            return end(d, exit: ExitStatus.usage, why: "the store did not answer \(describe(call.kind)) while it waited for the lease: nothing changed")
        }
        // `now` is when the attempt was sent, as the driver reads its clock before the call.
        let sentAt = wallClock(call.sentAt), sentLocal = UInt64(call.sentLocal)
        let action: LeaseWait.Action
        switch (call.kind, answer) {
        case (.acquire, .lock(let attempt)):
            action = deployers[d].wait!.answered(attempt, now: sentAt, sentAt: sentLocal, holderDead: false)
        case (.enqueue, .accepted):
            action = deployers[d].wait!.enqueued()
        case (.readWaiters, .waiters(let waiters)):
            action = deployers[d].wait!.waitersRead(waiters)
        case (.heartbeat, .accepted):
            action = deployers[d].wait!.heartbeatSent()
        default:
            deployers[d].wait = nil
            return end(d, exit: ExitStatus.needsPerson, why: "no step for the answer to \(describe(call.kind)) in the simulation")
        }
        performWait(d, action)
    }

    /// A wait for the lease ends (its pause passed, or it heard a release): the machine asks
    /// again. A wake-up for an earlier wait, or for one that ended, finds nothing.
    mutating func wake(_ d: Int, generation: Int) {
        guard deployers[d].alive, deployers[d].phase == .waiting, generation == deployers[d].wakeGeneration, deployers[d].wait != nil else { return }
        guard case .delay = deployers[d].waiting else { return }
        deployers[d].waiting = .nothing
        performWait(d, deployers[d].wait!.woke())
    }

    /// Waiters hear the environment's lease released (PostgreSQL's LISTEN/NOTIFY; SQLite's
    /// waiters, on one host, find it at their next short poll): each wait in progress ends
    /// soon after. A waiter asking the store just then, or cut off from it, hears nothing and
    /// waits out its pause.
    mutating func wakeWaiters(of environment: Int) {
        for waiter in deployers.indices where deployers[waiter].alive && deployers[waiter].phase == .waiting && deployers[waiter].environment == environment {
            guard case .delay = deployers[waiter].waiting, !runners[deployers[waiter].runner].partitioned(at: now) else { continue }
            queue.push(.wake(waiter, deployers[waiter].wakeGeneration), at: now + latency(answer: true))
        }
    }

    /// The store applies one of the lease wait's calls, on the production `LeaseTable`.
    mutating func applyLeaseWait(_ call: StoreCall) -> StoreCall.Answer {
        let d = call.deployer
        let environment = SimStore.environment(deployers[d].environment)
        let id = DeploymentID(rawValue: deployers[d].id)
        switch call.kind {
        case .acquire(let breaking, let waitersLiveSince):
            let reason = deployers[d].isRecover ? "recovering" : "deploying \(deployers[d].job.release)"
            let request = LockRequest(
                environment: environment, owner: origin(d), deploymentID: id, reason: reason, ttl: .nanoseconds(schedule.lease), now: SimStore.date(now),
                waiter: id, waitersLiveSince: waitersLiveSince, breaking: breaking
            )
            let attempt = store.table.acquire(request)
            if case .acquired(let lease) = attempt {
                store.newest[deployers[d].environment] = lease.token
                store.expiries[deployers[d].environment, default: [:]][lease.token.value] = SimStore.nanos(lease.expiresAt)
            }
            note("store", "acquire from \(name(d))", Self.describe(attempt))
            return .lock(attempt)
        case .enqueue(let waiter):
            store.table.enqueue(waiter, environment: environment)
            note("store", "enqueue \(name(d))")
            return .accepted
        case .readWaiters(let liveSince):
            return .waiters(store.table.waiters(environment: environment, liveSince: liveSince))
        case .heartbeat(let at):
            store.table.heartbeat(environment: environment, deploymentID: id, now: at)
            return .accepted
        case .dequeue:
            store.table.dequeue(environment: environment, deploymentID: id)
            note("store", "dequeue \(name(d))")
            return .accepted
        default:
            return .stale
        }
    }
}
