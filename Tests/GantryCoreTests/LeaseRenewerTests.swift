import Foundation
import GantryCore
import GantryTestSupport
import Testing

/// The renewer runs on a manual timer: each test moves time renewal by renewal and waits
/// for what the renewer does, never for wall time.
@Suite("lease renewer")
struct LeaseRenewerTests {
    /// Each round of the renewer starts two timers, in order: its wait for the next renewal,
    /// then the bound of that renewal. Waits until the renewer's `round`-th wait is set (and
    /// the bound of the round before it is gone).
    static func untilRenewerWaits(_ timer: ManualClock, round: Int) async -> Bool {
        await timer.until { timer.sleepsStarted >= 2 * round - 1 && timer.waiting == 1 }
    }

    @Test("a renewal the store cannot answer is retried a third of the lease later, so a database blip does not let the lease lapse")
    func retriesAfterErrors() async throws {
        let store = MemoryStateStore()
        let origin = Origin(host: "ci-1", pid: 1)
        guard case .acquired(let lease) = try await store.tryAcquireLock(environment: "p", owner: origin, deploymentID: DeploymentID(rawValue: "20261201-000000.000-000001"), reason: nil, ttl: .seconds(3), now: Date()) else {
            Issue.record("not acquired")
            return
        }
        await store.failRenewals(3)
        let timer = ManualClock()
        let task = LeaseRenewer.start(store: store, environment: "p", token: lease.token, lease: .seconds(3), clock: SystemClock(), timer: timer)
        defer { task.cancel() }
        for round in 1...5 {
            #expect(await Self.untilRenewerWaits(timer, round: round), "round \(round): the renewer did not wait for its next renewal")
            #expect(await store.renewals == round - 1)
            timer.advance(by: .seconds(1))
            #expect(await timer.until { timer.sleepsStarted >= 2 * round }, "round \(round): no renewal was sent")
        }
        #expect(await timer.until { timer.sleepsStarted >= 11 })
        #expect(await store.renewals == 5, "three failures, then renewals go on")
        let renewed = try #require(try await store.lease(environment: "p"))
        #expect(renewed.expiresAt > lease.expiresAt)
    }

    @Test("renewals end when the store says the lease is gone")
    func stopsWhenLost() async throws {
        let store = MemoryStateStore()
        let timer = ManualClock()
        let task = LeaseRenewer.start(store: store, environment: "p", token: FencingToken(9), lease: .seconds(3), clock: SystemClock(), timer: timer)
        #expect(await Self.untilRenewerWaits(timer, round: 1))
        timer.advance(by: .seconds(1))
        // The renewer ends on its own, or is cancelled after 30 s of real time (and the test fails).
        let ended = await withTaskGroup(of: Bool.self) { group in
            group.addTask { await task.value; return true }
            group.addTask {
                try? await Task.sleep(for: .seconds(30))
                return false
            }
            let first = await group.next() ?? false
            task.cancel()
            group.cancelAll()
            return first
        }
        #expect(ended, "the renewer went on after the store said the lease was gone")
        #expect(await store.renewals == 1)
        #expect(timer.waiting == 0)
    }
}
