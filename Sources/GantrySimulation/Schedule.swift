import GantryCore

/// Everything one seed decides: the lease, the runners and their clocks, the workload and the
/// faults. Generated, it is a plain value: shrinking removes faults and jobs from it, and the
/// replay command names the seed and what was removed.
struct Schedule: Sendable, Hashable {
    static let second: Int64 = 1_000_000_000

    var seed: UInt64
    /// The lease `L` (`lock.lease`), nanoseconds.
    var lease: Int64
    /// The commands' `grace`.
    var grace: Int64
    /// Each runner's clock rate against the store's (1.0: the same).
    var rates: [Double]
    /// Each runner's boot-clock reading when the store's clock reads 0.
    var offsets: [Int64]
    var environments: Int
    var jobs: [Job]
    var faults: [Fault]
    /// The environments set to `supersede: true`: a waiting deployment gives up when a newer
    /// one queues behind it.
    var supersede: Set<Int> = []
    /// The runner (the last) that runs the final recover of every environment once the
    /// faults have stopped: it has no faults of its own.
    var recoverer: Int { rates.count - 1 }

    /// A schedule drawn from `seed`; `plant` may bend the world (a slow clock).
    static func generate(seed: UInt64, plant: Plant?, drift: Double? = nil) -> Schedule {
        var random = SimulationRandom(seed: seed)
        let second = Self.second
        let lease = [6, 10, 30, 60][Int(random.int(in: 0...3))] * second
        let grace = random.int(in: (lease / 30)...(lease / 4))
        let runners = Int(random.int(in: 2...5))
        var rates = (0..<runners).map { _ in 0.91 + random.unit() * 0.18 }
        if plant == .clockDrift12 { rates[0] = 0.88 }
        if let drift { rates[0] = 1 - drift }
        rates.append(1.0)
        let offsets = (0...runners).map { _ in random.int(in: 0...(1_000_000 * second)) }
        let environments = Int(random.int(in: 1...3))
        var jobs: [Job] = []
        var release = 0
        for runner in 0..<runners {
            for _ in 0..<Int(random.int(in: 1...3)) {
                release += 1
                let shape = random.unit()
                let duration = shape < 0.5
                    ? random.int(in: (lease / 20)...(lease / 2))
                    : shape < 0.9 ? random.int(in: (lease / 2)...(2 * lease)) : random.int(in: (2 * lease)...(4 * lease))
                jobs.append(Job(
                    runner: runner, environment: Int(random.int(in: 0...Int64(environments - 1))), release: "r\(release)",
                    startAt: random.int(in: 0...(4 * lease)), commandDuration: duration,
                    commandFails: random.chance(0.1), checksFail: random.chance(0.1), changes: Int(random.int(in: 1...3)),
                    deathDelay: 0, ignoresTerm: random.chance(0.3), attempts: random.chance(0.2) ? 2 : 1, lockWait: 20 * lease
                ))
            }
        }
        var faults: [Fault] = []
        for _ in 0..<Int(random.int(in: 0...4)) {
            let kind = FaultKind.allCases[Int(random.int(in: 0...Int64(FaultKind.allCases.count - 1)))]
            let at = random.int(in: 0...(5 * lease))
            let runner = Int(random.int(in: 0...Int64(runners - 1)))
            let duration: Int64 = switch kind {
            case .gantryFrozen, .runnerFrozen: random.int(in: (lease / 10)...(3 * lease))
            case .partition, .storeSlow, .requestLost, .answerLost: random.int(in: (lease / 5)...(2 * lease))
            case .storeRestart: random.int(in: (lease / 20)...(lease / 2))
            case .lateDeath: random.int(in: 0...(lease / 10))
            case .clockJump: random.int(in: -(3600 * second)...(3600 * second))
            case .gantryKilled, .guardKilled, .cancelled, .runnerGone: 0
            }
            faults.append(Fault(kind: kind, runner: kind.onRunner ? runner : nil, at: at, duration: duration))
        }
        if random.chance(0.35) {
            // A stale holder, the schedule the lease exists for (faults drawn one by one
            // rarely line up so): a long command on one runner whose gantry freezes or is cut
            // off mid-run, its command slow to die, a deploy of the same environment from
            // another runner waiting, and sometimes a store that answers late.
            let holder = Int(random.int(in: 0...Int64(jobs.count - 1)))
            jobs[holder].commandDuration = random.int(in: (2 * lease)...(4 * lease))
            jobs[holder].ignoresTerm = random.chance(0.6)
            let runner = jobs[holder].runner
            let start = jobs[holder].startAt
            let outage = start + random.int(in: (lease / 10)...lease)
            faults.append(Fault(kind: random.chance(0.5) ? .gantryFrozen : .partition, runner: runner, at: outage, duration: random.int(in: lease...(3 * lease))))
            faults.append(Fault(kind: .lateDeath, runner: runner, at: start, duration: random.int(in: (lease / 20)...(lease / 10))))
            // Sometimes the store answers slowly up to the outage: the last renewal confirmed
            // before it may be confirmed late.
            if random.chance(0.5) { faults.append(Fault(kind: .storeSlow, runner: nil, at: start, duration: outage - start + random.int(in: 0...lease))) }
            release += 1
            let other = (runner + Int(random.int(in: 1...Int64(max(runners - 1, 1))))) % runners
            jobs.append(Job(
                runner: other, environment: jobs[holder].environment, release: "r\(release)", startAt: start + random.int(in: 0...lease),
                commandDuration: random.int(in: (lease / 10)...lease), commandFails: false, checksFail: false, changes: 2, deathDelay: 0,
                ignoresTerm: false, attempts: 1, lockWait: 20 * lease
            ))
        }
        addRollouts(to: &jobs, seed: seed, lease: lease)
        addHandHolds(to: &jobs, seed: seed, lease: lease, runners: runners, environments: environments)
        if plant == .wallClockLease, !faults.contains(where: { $0.kind == .clockJump }) {
            // A lease measured on the wall clock is wrong only when the clock jumps.
            faults.append(Fault(kind: .clockJump, runner: Int(random.int(in: 0...Int64(runners - 1))), at: random.int(in: 0...(4 * lease)), duration: random.int(in: -(3600 * second)...(3600 * second))))
        }
        if plant == .noHostFence, !faults.contains(where: { $0.kind == .runnerFrozen }) {
            // The fence matters only where the guard cannot help: give the plant its fault.
            faults.append(Fault(kind: .runnerFrozen, runner: Int(random.int(in: 0...Int64(runners - 1))), at: random.int(in: 0...(4 * lease)), duration: random.int(in: lease...(3 * lease))))
        }
        for fault in faults where fault.kind == .lateDeath {
            for index in jobs.indices where jobs[index].runner == fault.runner { jobs[index].deathDelay = fault.duration }
        }
        return Schedule(
            seed: seed, lease: lease, grace: grace, rates: rates, offsets: offsets, environments: environments, jobs: jobs, faults: faults,
            supersede: superseding(seed: seed, environments: environments)
        )
    }

    /// Rollouts in a third of the schedules: some jobs go out in 2 or 3 batches, with a bake,
    /// sometimes a batch that goes bad in its bake, sometimes a pause step after the canary
    /// (timed, promoted by a person, or left to time out). Drawn from a stream of their own,
    /// so the rest of every schedule is what this seed drew before rollouts were simulated.
    static func addRollouts(to jobs: inout [Job], seed: UInt64, lease: Int64) {
        var random = SimulationRandom(seed: seed ^ 0x0B47_C4E5_0000_0001)
        guard random.chance(1.0 / 3) else { return }
        for index in jobs.indices where random.chance(0.4) {
            jobs[index].batches = Int(random.int(in: 2...3))
            jobs[index].bake = random.chance(0.7) ? random.int(in: (lease / 20)...lease) : 0
            jobs[index].failsAfterBake = jobs[index].bake > 0 && random.chance(0.15)
            jobs[index].pauseTimeout = random.int(in: lease...(3 * lease))
            let shape = random.unit()
            if shape < 0.25 {
                jobs[index].pause = .timed(.nanoseconds(random.int(in: (lease / 20)...lease)))
            } else if shape < 0.5 {
                jobs[index].pause = .untilPromoted
                jobs[index].promoteAfter = random.chance(0.8) ? random.int(in: (lease / 20)...(2 * lease)) : nil
            }
        }
    }

    /// Holds by hand in a quarter of the schedules: one or two `gantry lock` of a random
    /// environment from a random runner, each released by `gantry unlock` half a lease to
    /// three leases later. Appended after the deploys, from a stream of their own (as rollouts
    /// are), so the rest of every schedule, job indices included, is what this seed drew
    /// before holds were simulated.
    static func addHandHolds(to jobs: inout [Job], seed: UInt64, lease: Int64, runners: Int, environments: Int) {
        var random = SimulationRandom(seed: seed ^ 0x0B47_C4E5_0000_0002)
        guard random.chance(0.25) else { return }
        for index in 0..<Int(random.int(in: 1...2)) {
            jobs.append(Job(
                runner: Int(random.int(in: 0...Int64(runners - 1))), environment: Int(random.int(in: 0...Int64(environments - 1))),
                release: "hold\(index + 1)", startAt: random.int(in: 0...(4 * lease)), commandDuration: 0, commandFails: false,
                checksFail: false, changes: 0, deathDelay: 0, ignoresTerm: false, attempts: 1, lockWait: 0,
                holdFor: random.int(in: (lease / 2)...(3 * lease))
            ))
        }
    }

    /// `supersede: true` in a quarter of the schedules, for each environment at even odds (at
    /// least one). A stream of its own too.
    static func superseding(seed: UInt64, environments: Int) -> Set<Int> {
        var random = SimulationRandom(seed: seed ^ 0x0B47_C4E5_0000_0003)
        guard random.chance(0.25) else { return [] }
        var chosen: Set<Int> = []
        for environment in 0..<environments where random.chance(0.5) { chosen.insert(environment) }
        if chosen.isEmpty { chosen.insert(Int(random.int(in: 0...Int64(environments - 1)))) }
        return chosen
    }

    /// The schedule without the faults and jobs at `faults` and `jobs` (indices): a
    /// smaller schedule that may still show a violation.
    func removing(faults dropped: Set<Int>, jobs droppedJobs: Set<Int>) -> Schedule {
        var copy = self
        copy.faults = faults.enumerated().filter { !dropped.contains($0.offset) }.map(\.element)
        copy.jobs = jobs.enumerated().filter { !droppedJobs.contains($0.offset) }.map(\.element)
        return copy
    }

    /// When the last fault ends: the final recover starts well after it.
    var quietFrom: Int64 {
        let faultsEnd = faults.map { $0.at + max($0.duration, 0) }.max() ?? 0
        let jobsEnd = jobs.map { (job: Job) -> Int64 in
            if let hold = job.holdFor { return job.startAt + hold }
            let perBatch: Int64 = job.commandDuration * Int64(job.attempts) * 2 + job.bake
            let paused: Int64 = job.pause == nil ? 0 : job.pauseTimeout
            return job.startAt + perBatch * Int64(job.batches) + paused
        }.max() ?? 0
        return max(faultsEnd, jobsEnd) + 10 * lease
    }
}

extension FaultKind {
    /// Whether the fault strikes one runner (else the store or the network).
    var onRunner: Bool {
        switch self {
        case .gantryFrozen, .runnerFrozen, .gantryKilled, .guardKilled, .cancelled, .runnerGone, .lateDeath, .partition, .clockJump: true
        case .storeSlow, .storeRestart, .requestLost, .answerLost: false
        }
    }
}
