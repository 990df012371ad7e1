import Foundation
import GantryCore
@testable import GantrySimulation
import Testing

/// The simulated waiters run the production `LeaseWait`: a hold by hand refuses them at once,
/// `supersede` makes an older one give up for a newer one, and the generator puts both in the
/// workload from streams of their own. The schedules here are written out, so they show the
/// rule whatever the generator draws.
@Suite("lease simulator: the lease wait, holds by hand and supersede")
struct LeaseWaitSimulationTests {
    @Test("a deploy that meets a hold by hand is refused at once; one after the unlock takes the lease")
    func handHold() throws {
        let second = Schedule.second
        // Lease 6 s. The hold from about 1 s to about 11 s; a deploy at 3 s meets it; one at
        // 15 s finds the lease free again.
        let hold = Self.hold(runner: 0, at: 1 * second, for: 10 * second)
        let refused = Self.job(runner: 1, at: 3 * second, command: second)
        let later = Self.job(runner: 2, at: 15 * second, command: second)
        var world = Self.world(lease: 6 * second, jobs: [hold, refused, later])
        let outcome = world.run()
        #expect(outcome.violations.isEmpty, "\(outcome.violations.map(\.detail))")
        #expect(world.deployers[1].refusal == .lockHeldByHand)
        #expect(world.deployers[1].exitCode == ExitStatus.refused)
        #expect(!world.deployers[1].begun, "a refused deploy never begins")
        #expect(world.deployers[0].exitCode == ExitStatus.success, "gantry unlock went through")
        #expect(world.deployers[2].recorded == .succeeded)
        let holdToken = try #require(world.deployers[0].token)
        let laterToken = try #require(world.deployers[2].token)
        #expect(laterToken > holdToken, "the deploy after the unlock holds a newer lease than the hold")
    }

    @Test("with supersede, an older waiter gives up when a newer deploy queues behind it; the newer one deploys")
    func supersede() {
        let second = Schedule.second
        // Lease 6 s. A deploy holds e0 from about 0.5 s for a 12 s command; one waits from 2 s,
        // a newer one from 4 s: the older sees it in the queue at its next poll.
        let holder = Self.job(runner: 0, at: 500_000_000, command: 12 * second)
        let older = Self.job(runner: 1, at: 2 * second, command: second)
        let newer = Self.job(runner: 2, at: 4 * second, command: second)
        var world = Self.world(lease: 6 * second, jobs: [holder, older, newer], supersede: [0])
        let outcome = world.run()
        #expect(outcome.violations.isEmpty, "\(outcome.violations.map(\.detail))")
        #expect(world.deployers[1].refusal == .superseded)
        #expect(world.deployers[1].exitCode == ExitStatus.refused)
        #expect(world.deployers[0].recorded == .succeeded)
        #expect(world.deployers[2].recorded == .succeeded)
    }

    @Test("without supersede, the same older waiter waits its turn and deploys")
    func noSupersede() {
        let second = Schedule.second
        let holder = Self.job(runner: 0, at: 500_000_000, command: 12 * second)
        let older = Self.job(runner: 1, at: 2 * second, command: second)
        let newer = Self.job(runner: 2, at: 4 * second, command: second)
        var world = Self.world(lease: 6 * second, jobs: [holder, older, newer])
        let outcome = world.run()
        #expect(outcome.violations.isEmpty, "\(outcome.violations.map(\.detail))")
        #expect(world.deployers[1].refusal == nil)
        #expect(world.deployers[1].recorded == .succeeded)
        #expect(world.deployers[2].recorded == .succeeded)
        // Arrival order: the older one took the lease first.
        if let olderToken = world.deployers[1].token, let newerToken = world.deployers[2].token { #expect(olderToken < newerToken) }
    }

    @Test("about a quarter of the schedules hold by hand and a quarter supersede; the holds come after the deploys")
    func drawn() {
        var holds = 0, superseding = 0
        for seed: UInt64 in 1...400 {
            let schedule = Schedule.generate(seed: seed, plant: nil)
            let firstHold = schedule.jobs.firstIndex { $0.holdFor != nil } ?? schedule.jobs.count
            #expect(schedule.jobs[firstHold...].allSatisfy { $0.holdFor != nil }, "seed \(seed): a deploy after a hold")
            if firstHold < schedule.jobs.count { holds += 1 }
            if !schedule.supersede.isEmpty { superseding += 1 }
            #expect(schedule.supersede.allSatisfy { (0..<schedule.environments).contains($0) })
        }
        #expect((60...140).contains(holds), "\(holds) of 400 schedules hold by hand")
        #expect((60...140).contains(superseding), "\(superseding) of 400 schedules supersede")
    }

    @Test("generated schedules show both rules: a deploy refused for a hold by hand, one superseded")
    func exercised() {
        var seen: Set<ReasonCode> = []
        var seed: UInt64 = 1
        while seed <= 3_000, seen.count < 2 {
            var world = World(schedule: Schedule.generate(seed: seed, plant: nil), plant: nil, tracing: false)
            _ = world.run()
            for deployer in world.deployers {
                if let code = deployer.refusal, code == .lockHeldByHand || code == .superseded { seen.insert(code) }
            }
            seed += 1
        }
        #expect(seen == [.lockHeldByHand, .superseded], "within 3,000 schedules")
    }

    @Test("a seed with a hold by hand and supersede replays the same trace, byte for byte")
    func deterministic() throws {
        let found = (UInt64(1)...2_000).first { candidate in
            let schedule = Schedule.generate(seed: candidate, plant: nil)
            return !schedule.supersede.isEmpty && schedule.jobs.contains { $0.holdFor != nil }
        }
        let seed = try #require(found, "a seed with both within 2,000")
        let first = Simulation.replay(seed: seed, plant: nil)
        let second = Simulation.replay(seed: seed, plant: nil)
        #expect(first.trace == second.trace)
        #expect(first.trace.contains { $0.contains("gantry lock e") })
    }

    static func job(runner: Int, at: Int64, command: Int64) -> Job {
        Job(
            runner: runner, environment: 0, release: "r\(runner)-\(at)", startAt: at, commandDuration: command, commandFails: false, checksFail: false,
            changes: 2, deathDelay: 0, ignoresTerm: false, attempts: 1, lockWait: 120 * Schedule.second
        )
    }

    static func hold(runner: Int, at: Int64, for duration: Int64) -> Job {
        Job(
            runner: runner, environment: 0, release: "hold", startAt: at, commandDuration: 0, commandFails: false, checksFail: false,
            changes: 0, deathDelay: 0, ignoresTerm: false, attempts: 1, lockWait: 0, holdFor: duration
        )
    }

    /// Three runners and the recoverer, all with the store's clock rate, no faults.
    static func world(lease: Int64, jobs: [Job], supersede: Set<Int> = []) -> World {
        let schedule = Schedule(
            seed: 1, lease: lease, grace: lease / 20, rates: [1.0, 1.0, 1.0, 1.0], offsets: [1_000, 2_000, 3_000, 4_000], environments: 1, jobs: jobs,
            faults: [], supersede: supersede
        )
        return World(schedule: schedule, plant: nil, tracing: false)
    }
}
