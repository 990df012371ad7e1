import Foundation

/// Runs schedules: many from a starting seed (schedule `i` has seed `seed + i`), one to
/// replay with its trace, and the shrinking of a failing one to fewer faults and jobs.
package enum Simulation {
    /// What a run of many schedules found.
    package struct Summary: Sendable {
        package var schedules = 0
        package var violating: [(seed: UInt64, violation: Violation)] = []
        package var faults: [FaultKind: Int] = [:]
        package var events = 0
        /// Schedules that broke each invariant (a schedule may break several).
        package var byInvariant: [Invariant: Int] = [:]
    }

    /// Runs `count` schedules from `seed`; stops at the first violation when `stopAtFirst`.
    package static func run(schedules count: Int, seed: UInt64, plant: Plant?, drift: Double? = nil, stopAtFirst: Bool = false) -> Summary {
        var summary = Summary()
        for index in 0..<count {
            let scheduleSeed = seed &+ UInt64(index)
            var world = World(schedule: Schedule.generate(seed: scheduleSeed, plant: plant, drift: drift), plant: plant, tracing: false)
            let outcome = world.run()
            summary.schedules += 1
            summary.events += outcome.events
            summary.faults.merge(outcome.faults, uniquingKeysWith: +)
            for invariant in Set(outcome.violations.map(\.invariant)) { summary.byInvariant[invariant, default: 0] += 1 }
            if let first = outcome.violations.first {
                summary.violating.append((scheduleSeed, first))
                if stopAtFirst { break }
            }
        }
        return summary
    }

    /// One schedule, replayed with its trace; `dropFaults`/`dropJobs` as a shrunk replay names them.
    package static func replay(seed: UInt64, plant: Plant?, drift: Double? = nil, dropFaults: Set<Int> = [], dropJobs: Set<Int> = []) -> (violations: [Violation], trace: [String]) {
        let schedule = Schedule.generate(seed: seed, plant: plant, drift: drift).removing(faults: dropFaults, jobs: dropJobs)
        var world = World(schedule: schedule, plant: plant, tracing: true)
        let outcome = world.run()
        return (outcome.violations, outcome.trace.map(\.description))
    }

    /// The schedule's description: lease, runners and clocks, jobs and faults.
    package static func describe(seed: UInt64, plant: Plant?, drift: Double? = nil, dropFaults: Set<Int> = [], dropJobs: Set<Int> = []) -> [String] {
        let schedule = Schedule.generate(seed: seed, plant: plant, drift: drift).removing(faults: dropFaults, jobs: dropJobs)
        let superseding = schedule.supersede.sorted().map { "e\($0)" }.joined(separator: ", ")
        var lines = ["lease \(schedule.lease / 1_000_000) ms, grace \(schedule.grace / 1_000_000) ms, \(schedule.environments) environment(s)\(superseding.isEmpty ? "" : ", supersede: \(superseding)")"]
        for (index, rate) in schedule.rates.enumerated() {
            lines.append("runner r\(index + 1): clock rate \(String(format: "%.3f", rate))\(index == schedule.recoverer ? " (runs the final recover)" : "")")
        }
        for job in schedule.jobs {
            if let hold = job.holdFor {
                lines.append("job: r\(job.runner + 1) holds e\(job.environment) by hand at \(job.startAt / 1_000_000) ms for \(hold / 1_000_000) ms")
                continue
            }
            lines.append("job: r\(job.runner + 1) deploys \(job.release) to e\(job.environment) at \(job.startAt / 1_000_000) ms, command \(job.commandDuration / 1_000_000) ms\(job.commandFails ? ", fails" : "")\(job.checksFail ? ", checks fail" : "")\(job.ignoresTerm ? ", ignores SIGTERM" : "")")
        }
        for fault in schedule.faults {
            lines.append("fault: \(fault.kind.rawValue)\(fault.runner.map { " on r\($0 + 1)" } ?? "") at \(fault.at / 1_000_000) ms\(fault.duration != 0 ? " for \(fault.duration / 1_000_000) ms" : "")")
        }
        return lines
    }

    /// Removes faults, then jobs, one at a time, keeping each removal after which the schedule
    /// still violates the same invariant: a smaller schedule to read.
    package static func shrink(seed: UInt64, plant: Plant?, drift: Double? = nil) -> (dropFaults: Set<Int>, dropJobs: Set<Int>)? {
        let full = Schedule.generate(seed: seed, plant: plant, drift: drift)
        func violation(_ faults: Set<Int>, _ jobs: Set<Int>) -> Invariant? {
            var world = World(schedule: full.removing(faults: faults, jobs: jobs), plant: plant, tracing: false)
            return world.run().violations.first?.invariant
        }
        guard let target = violation([], []) else { return nil }
        var faults: Set<Int> = [], jobs: Set<Int> = []
        for index in full.faults.indices where violation(faults.union([index]), jobs) == target { faults.insert(index) }
        for index in full.jobs.indices where violation(faults, jobs.union([index])) == target { jobs.insert(index) }
        return (faults, jobs)
    }
}
