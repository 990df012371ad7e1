import Foundation
import GantryCore
import GantryLeaseGuard

/// One simulated schedule: runners with their own clocks, each running gantry (the production
/// lease wait, state machine and renewal schedule), its lease guard (the production
/// `LeaseGuardWatch` and `LeaseGuardTiming`) and its command; people holding environments by
/// hand; a store on the production `LeaseTable` with its own clock; hosts that record every
/// command and change; and the faults of the schedule.
/// Only the world is simulated; the decisions are the product's. Invariants are checked as
/// the events happen.
struct World {
    let schedule: Schedule
    let plant: Plant?
    let tracing: Bool
    var now: Int64 = 0
    var queue = EventQueue<SimEvent>()
    var deployers: [Deployer] = []
    var commands: [CommandRun] = []
    var calls: [StoreCall] = []
    var store = SimStore()
    var hosts: [HostState]
    var runners: [RunnerState]
    var violations: [Violation] = []
    let trace: TraceRecorder
    var faultsInjected: [FaultKind: Int] = [:]
    var events = 0
    var random: SimulationRandom
    /// The guards' timing (bent by the `no-margin` plant).
    let timing: LeaseGuardTiming
    /// The margin recovery waits for a foreign holder: the product's, whatever the plant.
    let margin: Int64
    let schedulePlan: RenewalSchedule

    init(schedule: Schedule, plant: Plant?, tracing: Bool) {
        self.schedule = schedule
        self.plant = plant
        self.tracing = tracing
        trace = TraceRecorder(enabled: tracing)
        random = SimulationRandom(seed: schedule.seed ^ 0x5EED)
        hosts = Array(repeating: HostState(), count: schedule.environments)
        runners = Array(repeating: RunnerState(), count: schedule.rates.count)
        let lease = Duration.nanoseconds(schedule.lease)
        let real = LeaseGuardTiming(lease: lease, grace: .nanoseconds(schedule.grace))
        // The plant: the guard kills at the lease itself, with no margin.
        timing = plant == .noMargin ? LeaseGuardTiming(lease: lease + lease / 9, grace: .nanoseconds(schedule.grace)) : real
        margin = real.margin.nanoseconds
        schedulePlan = RenewalSchedule(lease: lease)
    }

    /// Runs the schedule to its end (or a time limit) and returns what was found.
    mutating func run() -> ScheduleOutcome {
        for (index, job) in schedule.jobs.enumerated() {
            deployers.append(Deployer(job: job, id: "d\(index)", isRecover: false, machine: Self.machine(for: job, lease: schedule.lease), state: EnvironmentState(name: "e\(job.environment)")))
            // A hold by hand is a person's, outside the runner's queue of jobs.
            if job.holdFor != nil {
                queue.push(.jobStart(index), at: job.startAt)
            } else {
                runners[job.runner].pending.append(index)
            }
        }
        for runner in runners.indices {
            runners[runner].pending.sort { deployers[$0].job.startAt < deployers[$1].job.startAt }
            startNextJob(on: runner, at: 0)
        }
        for (index, fault) in schedule.faults.enumerated() {
            queue.push(.faultStart(index), at: fault.at)
            if fault.duration > 0, fault.kind != .lateDeath, fault.kind != .clockJump { queue.push(.faultEnd(index), at: fault.at + fault.duration) }
        }
        for environment in 0..<schedule.environments {
            let recover = Job(
                runner: schedule.recoverer, environment: environment, release: "recover", startAt: schedule.quietFrom, commandDuration: 0,
                commandFails: false, checksFail: false, changes: 0, deathDelay: 0, ignoresTerm: false, attempts: 1, lockWait: 40 * schedule.lease
            )
            deployers.append(Deployer(job: recover, id: "recover-e\(environment)", isRecover: true, machine: Self.machine(for: recover, lease: schedule.lease), state: EnvironmentState(name: "e\(environment)")))
            runners[schedule.recoverer].pending.append(deployers.count - 1)
        }
        startNextJob(on: schedule.recoverer, at: 0)
        let limit = schedule.quietFrom + 80 * schedule.lease
        while let (at, event) = queue.pop() {
            if at > limit { break }
            now = max(now, at)
            events += 1
            if let thaw = deferral(of: event, at: at) {
                queue.push(event, at: thaw)
                continue
            }
            handle(event)
        }
        checkEverythingRecorded()
        return ScheduleOutcome(violations: violations, faults: faultsInjected, events: events, trace: trace.lines)
    }

    static func machine(for job: Job, lease: Int64) -> DeploymentStateMachine {
        let retry = job.attempts > 1 ? RetryPolicy(attempts: job.attempts, backoff: .nanoseconds(lease / 10), retryOn: [.exit(1)]) : .none
        let policy = DeploymentStateMachine.Policy(
            retry: retry, canRollBack: true, batches: job.batches, bake: .nanoseconds(job.bake),
            pauseTimeout: .nanoseconds(max(job.pauseTimeout, 1)), pauses: job.pause.map { [1: $0] } ?? [:]
        )
        return DeploymentStateMachine(release: job.release, force: false, policy: policy, random: { 0.5 })
    }

    mutating func handle(_ event: SimEvent) {
        switch event {
        case .jobStart(let d): startJob(d)
        case .wake(let d, let generation): wake(d, generation: generation)
        case .unlockDue(let d): sendUnlock(d)
        case .arrive(let c): arrive(c)
        case .answer(let c): answered(c)
        case .timeout(let c): timedOut(c)
        case .renewDue(let d, let generation): renewDue(d, generation: generation)
        case .proceed(let d): proceed(d)
        case .commandChange(let c): commandChange(c)
        case .commandEnd(let c):
            // A freeze moved the end later: the earlier event is stale.
            if now >= commands[c].plannedEnd { commandEnded(c, termination: commands[c].fails ? .exited(1) : .exited(0)) }
        case .commandDies(let c): commandEnded(c, termination: commands[c].termination)
        case .guardLook(let c): guardLook(c)
        case .faultStart(let f): faultStarted(f)
        case .faultEnd(let f): faultEnded(f)
        case .cancelEscalate(let d): escalate(d)
        case .cancelKill(let d): killGantry(d, why: "SIGKILL after the cancel")
        case .groupStop(let c, let kill): stopGroup(c, kill: kill)
        }
    }

    /// The runner's boot clock at the store's time `at`.
    func local(_ runner: Int, _ at: Int64) -> Int64 {
        // A jump back (the plant's) may take a reading below zero, which no clock reads.
        max(0, schedule.offsets[runner] + Int64((Double(at) * schedule.rates[runner]).rounded(.down)) + jumped(runner, at))
    }

    /// The store's time when the runner's boot clock reads `reading` (jumps after `now` not
    /// foreseen).
    func storeTime(_ runner: Int, _ reading: Int64) -> Int64 {
        Int64((Double(reading - schedule.offsets[runner] - jumped(runner, now)) / schedule.rates[runner]).rounded(.up))
    }

    /// How far the runner's wall-clock jumps have moved the clock the lease is measured on by
    /// `at`: nothing, as the boot clock is never set, but with the `wall-clock-lease` plant.
    func jumped(_ runner: Int, _ at: Int64) -> Int64 {
        guard plant == .wallClockLease else { return 0 }
        return schedule.faults.reduce(0) { $0 + ($1.kind == .clockJump && $1.runner == runner && $1.at <= at ? $1.duration : 0) }
    }

    /// A duration on the runner's clock, as the store's clock measures it.
    func storeSpan(_ runner: Int, _ span: Int64) -> Int64 {
        Int64((Double(span) / schedule.rates[runner]).rounded(.up))
    }

    /// When an event that falls in a freeze of its owner happens instead: on thaw, in the
    /// same order (the command first, then the guard's first look at the clock).
    func deferral(of event: SimEvent, at: Int64) -> Int64? {
        guard let runner = runner(of: event) else { return nil }
        let state = runners[runner]
        switch event.owner {
        case .world: return nil
        case .gantry:
            if let frozen = state.frozen(at: at) { return frozen.until + (at - frozen.from) }
            if let gantry = state.gantryFrozen(at: at) { return gantry.until + (at - gantry.from) }
        case .command:
            if let frozen = state.frozen(at: at) { return frozen.until + (at - frozen.from) }
        case .guardProcess:
            if let frozen = state.frozen(at: at) { return frozen.until + 1 }
        }
        return nil
    }

    func runner(of event: SimEvent) -> Int? {
        switch event {
        case .jobStart(let d), .wake(let d, _), .unlockDue(let d), .renewDue(let d, _), .proceed(let d), .cancelEscalate(let d), .cancelKill(let d): deployers[d].runner
        case .answer(let c), .timeout(let c): deployers[calls[c].deployer].runner
        case .commandChange(let c), .commandEnd(let c), .commandDies(let c), .guardLook(let c), .groupStop(let c, _): commands[c].runner
        case .arrive, .faultStart, .faultEnd: nil
        }
    }

    func note(_ who: @autoclosure () -> String, _ event: @autoclosure () -> String, _ decision: @autoclosure () -> String = "") {
        guard trace.enabled else { return }
        trace.append(TraceLine(at: now, who: who(), event: event(), decision: decision()))
    }

    mutating func violate(_ invariant: Invariant, _ detail: String) {
        violations.append(Violation(invariant: invariant, at: now, detail: detail))
        note("check", "VIOLATION \(invariant.rawValue)", detail)
    }

    func name(_ d: Int) -> String { "r\(deployers[d].runner + 1)/\(deployers[d].id)" }
}
