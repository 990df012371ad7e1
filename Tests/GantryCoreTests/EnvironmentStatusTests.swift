import Foundation
import GantryCore
import GantryTestSupport
import Testing

/// The one status model: what `gantry status`, the metrics, the API and the page show.
@Suite("environment status")
struct EnvironmentStatusTests {
    let origin = Origin(host: "runner-1", pid: 100)
    let now = Date()

    func id(_ n: Int) -> DeploymentID { DeploymentID(rawValue: "20270115-0800\(String(format: "%02d", n)).000-aaaaaa") }

    @Test("a rollout's batch is the lease holder's, even after a newer deploy was refused; without rollouts no journal is read")
    func rolloutOfTheHolder() async throws {
        let store = MemoryStateStore()
        guard case .acquired(let lease) = try await store.tryAcquireLock(environment: "production", owner: origin, deploymentID: id(1), reason: nil, ttl: .seconds(60), now: now) else {
            Issue.record("not acquired")
            return
        }
        try await store.beginDeployment(DeploymentRecord(id: id(1), environment: "production", release: "2.0", startedAt: now, origin: origin), token: lease.token)
        try await store.append(RolloutProgress(batch: 2, batches: 4, hosts: ["web-1", "web-2"], paused: nil).journalEvent, to: id(1), at: now, token: lease.token)
        // A deploy refused meanwhile (rollout_paused, lock_wait_timeout): the newest record.
        try await store.beginDeployment(DeploymentRecord(id: id(2), environment: "production", release: "2.1", startedAt: now.addingTimeInterval(1), origin: origin), token: nil)
        try await store.finishDeployment(id(2), outcome: .refused, reason: "locked", at: now, promote: false, token: nil)

        let status = try await EnvironmentStatus.read("production", store: store, now: now, recent: 1, rollouts: true)
        #expect(status.recent.map(\.id) == [id(2)])
        #expect(status.rollout?.batch == 2 && status.rollout?.hosts == ["web-1", "web-2"])
        #expect(status.liveLease(at: now)?.token == lease.token)
        #expect(try await EnvironmentStatus.read("production", store: store, now: now, recent: 1, rollouts: false).rollout == nil)
    }

    @Test("without a live lease, an unfinished deploy's rollout shows (abandoned); a finished one does not")
    func abandoned() async throws {
        let store = MemoryStateStore()
        try await store.beginDeployment(DeploymentRecord(id: id(1), environment: "production", release: "2.0", startedAt: now, origin: origin), token: nil)
        try await store.append(RolloutProgress(batch: 1, batches: 4, hosts: ["web-1"], paused: nil).journalEvent, to: id(1), at: now, token: nil)
        #expect(try await EnvironmentStatus.read("production", store: store, now: now, recent: 5, rollouts: true).rollout?.batch == 1)
        try await store.finishDeployment(id(1), outcome: .interrupted, reason: "killed", at: now, promote: false, token: nil)
        #expect(try await EnvironmentStatus.read("production", store: store, now: now, recent: 5, rollouts: true).rollout == nil)
    }
}
