import ArgumentParser
import Foundation
import GantrySimulation

/// `gantry-simulate`: runs the lease simulator (`scripts/simulate` is the way in). The last
/// line is `N schedules, V violations`; the exit status is 0 only with no violation.
@main
struct GantrySimulate: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "gantry-simulate",
        abstract: "Runs gantry's lease decisions in a deterministic simulation of runners, guards, a store and faults."
    )

    @Option(help: "How many schedules to run.")
    var schedules = 10_000

    @Option(help: "The first schedule's seed (schedule i has seed + i); random when not given.")
    var seed: UInt64?

    @Option(help: ArgumentHelp("Run with a known bug planted: \(Plant.allCases.map(\.rawValue).joined(separator: ", ")).", valueName: "name"), transform: { text in
        guard let plant = Plant(rawValue: text) else {
            throw ValidationError("'\(text)' is not a plant; plants are \(Plant.allCases.map(\.rawValue).joined(separator: ", "))")
        }
        return plant
    })
    var plant: Plant?

    @Option(help: ArgumentHelp("Slow the first runner's clock by this share of the store's (0.12: 12% slower), to find where the guarantee breaks.", valueName: "share"))
    var drift: Double?

    @Option(help: ArgumentHelp("Replay without these faults (indices, as a shrunk replay names them).", valueName: "list"))
    var dropFaults = ""

    @Option(help: ArgumentHelp("Replay without these jobs (indices).", valueName: "list"))
    var dropJobs = ""

    @Flag(help: "Print the trace of every schedule run (for a replay).")
    var trace = false

    mutating func validate() throws {
        guard schedules > 0 else { throw ValidationError("--schedules must be at least 1") }
        if let drift, !(0..<0.5).contains(drift) { throw ValidationError("--drift must be between 0 and 0.5") }
        for list in [dropFaults, dropJobs] where !list.isEmpty && Self.indices(list) == nil {
            throw ValidationError("'\(list)' is not a comma-separated list of indices")
        }
    }

    func run() throws {
        let start = seed ?? UInt64.random(in: 0...UInt64(UInt32.max))
        let faults = Self.indices(dropFaults) ?? [], jobs = Self.indices(dropJobs) ?? []
        if trace || !faults.isEmpty || !jobs.isEmpty {
            for index in 0..<schedules {
                let replay = Simulation.replay(seed: start &+ UInt64(index), plant: plant, drift: drift, dropFaults: faults, dropJobs: jobs)
                print("schedule seed \(start &+ UInt64(index))")
                Simulation.describe(seed: start &+ UInt64(index), plant: plant, drift: drift, dropFaults: faults, dropJobs: jobs).forEach { print("  \($0)") }
                replay.trace.forEach { print("  \($0)") }
                replay.violations.forEach { print("  VIOLATION \($0.invariant.rawValue): \($0.detail)") }
                if index == schedules - 1 { finish(schedules: schedules, violations: replay.violations.isEmpty ? 0 : 1) }
            }
            return
        }
        print("simulating \(schedules) schedules from seed \(start)\(plant.map { " with the plant \($0.rawValue)" } ?? "")\(drift.map { ", the first runner's clock \($0 * 100)% slow" } ?? "")")
        let began = Date()
        let summary = Simulation.run(schedules: schedules, seed: start, plant: plant, drift: drift)
        let seconds = Date().timeIntervalSince(began)
        for (seed, violation) in summary.violating.prefix(3) { report(seed: seed, violation: violation) }
        let kinds = summary.faults.sorted { $0.key < $1.key }.map { "\($0.key.rawValue) \($0.value)" }.joined(separator: ", ")
        print("faults injected: \(kinds.isEmpty ? "none" : kinds)")
        if !summary.violating.isEmpty {
            let counted = summary.byInvariant.map { "\($0.key.rawValue) \($0.value)" }.sorted()
            print("schedules violating, by invariant: \(counted.joined(separator: ", "))")
        }
        print(String(format: "%.1f s, %.0f schedules/s, %d events", seconds, Double(summary.schedules) / max(seconds, 0.001), summary.events))
        finish(schedules: summary.schedules, violations: summary.violating.count)
    }

    /// Prints a violation: the invariant, the seed, the shrunk schedule, the trace up to it
    /// and the command that replays it.
    func report(seed: UInt64, violation: Violation) {
        print("VIOLATION of \(violation.invariant.rawValue) in the schedule with seed \(seed): \(violation.detail)")
        let shrunk = Simulation.shrink(seed: seed, plant: plant, drift: drift)
        let faults = shrunk?.dropFaults ?? [], jobs = shrunk?.dropJobs ?? []
        Simulation.describe(seed: seed, plant: plant, drift: drift, dropFaults: faults, dropJobs: jobs).forEach { print("  \($0)") }
        let replay = Simulation.replay(seed: seed, plant: plant, drift: drift, dropFaults: faults, dropJobs: jobs)
        print("  trace (the last 60 events up to the violation):")
        let cut = replay.trace.firstIndex { $0.contains("VIOLATION") }.map { $0 + 1 } ?? replay.trace.count
        replay.trace[max(0, cut - 60)..<cut].forEach { print("    \($0)") }
        var command = "scripts/simulate --seed \(seed) --schedules 1 --trace"
        if let plant { command += " --plant \(plant.rawValue)" }
        if let drift { command += " --drift \(drift)" }
        if !faults.isEmpty { command += " --drop-faults \(faults.sorted().map(String.init).joined(separator: ","))" }
        if !jobs.isEmpty { command += " --drop-jobs \(jobs.sorted().map(String.init).joined(separator: ","))" }
        print("  replay: \(command)")
    }

    func finish(schedules: Int, violations: Int) {
        print("\(schedules) schedules, \(violations) violations")
        if violations > 0 { Foundation.exit(1) }
    }

    static func indices(_ list: String) -> Set<Int>? {
        guard !list.isEmpty else { return [] }
        var found: Set<Int> = []
        for part in list.split(separator: ",") {
            guard let index = Int(part), index >= 0 else { return nil }
            found.insert(index)
        }
        return found
    }
}
