import Foundation
import GantryCore
import Testing

@Suite("lease renewer")
struct LeaseRenewerTests {
    @Test("a renewal the store cannot answer is retried, so a database blip does not let the lease lapse")
    func retriesAfterErrors() async throws {
        let store = MemoryStateStore()
        let origin = Origin(host: "ci-1", pid: 1)
        guard case .acquired(let lease) = try await store.tryAcquireLock(environment: "p", owner: origin, deploymentID: nil, reason: nil, ttl: .milliseconds(300), now: Date()) else {
            Issue.record("not acquired")
            return
        }
        await store.failRenewals(3)
        let task = LeaseRenewer.start(store: store, environment: "p", token: lease.token, lease: .milliseconds(300), clock: SystemClock())
        try await Task.sleep(for: .milliseconds(900))
        task.cancel()
        #expect(await store.renewals >= 5, "three failures, then renewals go on")
        let renewed = try #require(try await store.lease(environment: "p"))
        #expect(renewed.expiresAt > lease.expiresAt)
    }

    @Test("renewals end when the store says the lease is gone")
    func stopsWhenLost() async throws {
        let store = MemoryStateStore()
        let task = LeaseRenewer.start(store: store, environment: "p", token: FencingToken(9), lease: .milliseconds(150), clock: SystemClock())
        try await Task.sleep(for: .milliseconds(400))
        #expect(await store.renewals == 1)
        task.cancel()
    }
}
