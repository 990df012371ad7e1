import Foundation
import GantryCore
import GantryTestSupport
import Testing

/// These wait for what the renewer does, never for a fixed time: on a loaded machine the
/// renewer is late, not wrong, and the assertions must hold either way.
@Suite("lease renewer")
struct LeaseRenewerTests {
    @Test("a renewal the store cannot answer is retried, so a database blip does not let the lease lapse")
    func retriesAfterErrors() async throws {
        let store = MemoryStateStore()
        let origin = Origin(host: "ci-1", pid: 1)
        guard case .acquired(let lease) = try await store.tryAcquireLock(environment: "p", owner: origin, deploymentID: DeploymentID(rawValue: "20261201-000000.000-000001"), reason: nil, ttl: .milliseconds(300), now: Date()) else {
            Issue.record("not acquired")
            return
        }
        await store.failRenewals(3)
        let task = LeaseRenewer.start(store: store, environment: "p", token: lease.token, lease: .milliseconds(300), clock: SystemClock())
        defer { task.cancel() }
        let renewedAfterFailures = try await Self.eventually { await store.renewals >= 5 }
        let renewals = await store.renewals
        #expect(renewedAfterFailures, "three failures, then renewals go on (\(renewals) so far)")
        let renewed = try #require(try await store.lease(environment: "p"))
        #expect(renewed.expiresAt > lease.expiresAt)
    }

    @Test("renewals end when the store says the lease is gone")
    func stopsWhenLost() async throws {
        let store = MemoryStateStore()
        let task = LeaseRenewer.start(store: store, environment: "p", token: FencingToken(9), lease: .milliseconds(150), clock: SystemClock())
        // The renewer ends on its own, or is cancelled after 30 s (and the test fails).
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
    }

    /// Polls `condition` every 20 ms for up to 30 s.
    static func eventually(_ condition: @Sendable () async -> Bool) async throws -> Bool {
        for _ in 0..<1500 {
            if await condition() { return true }
            try await Task.sleep(for: .milliseconds(20))
        }
        return false
    }
}
