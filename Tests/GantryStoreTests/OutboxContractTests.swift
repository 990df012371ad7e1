import Foundation
import GantryCore
import GantryStore
import GantryTestSupport
import Testing

@Suite("state store contract: the notification outbox")
struct OutboxContractTests {
    let t0 = Date(timeIntervalSince1970: 1_795_000_000)

    func item(_ deployment: String, _ event: NotificationEvent, webhook: String = "hook-a", at offset: Double = 0) -> OutboxItem {
        OutboxItem(
            key: "\(deployment)/\(event.rawValue)/\(webhook)", idempotencyKey: "\(deployment)/\(event.rawValue)", environment: "production",
            deploymentID: DeploymentID(rawValue: deployment), event: event, webhook: webhook, body: "{\"event\":\"\(event.rawValue)\"}",
            createdAt: t0.addingTimeInterval(offset)
        )
    }

    @Test("items are enqueued once, claimed oldest first and not twice, settled, and listed per deployment", arguments: StoreFactory.all)
    func outbox(factory: StoreFactory) async throws {
        let store = try await factory.make()
        let started = item("d1", .started)
        try await store.enqueueNotifications([started, item("d1", .succeeded, at: 1), item("d2", .started, at: 2)])
        try await store.enqueueNotifications([started])
        #expect(try await store.notifications(of: DeploymentID(rawValue: "d1")).map(\.event) == [.started, .succeeded])
        let now = t0.addingTimeInterval(10)
        let first = try await store.claimNotifications(dueAt: now, until: now.addingTimeInterval(60), limit: 2)
        #expect(first.map(\.key) == ["d1/started/hook-a", "d1/succeeded/hook-a"])
        #expect(first.allSatisfy { $0.attempts == 1 })
        // Claimed items are not due again until `until`: another deliverer takes the rest only.
        let second = try await store.claimNotifications(dueAt: now, until: now.addingTimeInterval(60), limit: 10)
        #expect(second.map(\.key) == ["d2/started/hook-a"])
        var delivered = first[0]
        delivered.deliveredAt = now
        try await store.settleNotification(delivered)
        var failed = first[1]
        failed.lastError = "HTTP 500"
        failed.nextAttemptAt = now.addingTimeInterval(5)
        try await store.settleNotification(failed)
        #expect(try await store.claimNotifications(dueAt: now.addingTimeInterval(4), until: now.addingTimeInterval(70), limit: 10).isEmpty)
        let retried = try await store.claimNotifications(dueAt: now.addingTimeInterval(6), until: now.addingTimeInterval(70), limit: 10)
        #expect(retried.map(\.key) == ["d1/succeeded/hook-a"])
        #expect(retried.first?.attempts == 2)
        #expect(retried.first?.lastError == "HTTP 500")
        let listed = try await store.notifications(of: DeploymentID(rawValue: "d1"))
        #expect(listed.first?.deliveredAt != nil)
        // An item past its attempts is not taken again.
        var exhausted = retried[0]
        exhausted.attempts = DeliveryBackoff.maxAttempts
        exhausted.nextAttemptAt = now
        try await store.settleNotification(exhausted)
        #expect(try await store.claimNotifications(dueAt: now.addingTimeInterval(1000), until: now.addingTimeInterval(1060), limit: 10).map(\.key) == ["d2/started/hook-a"])
    }

    @Test("pruning deployments removes their notifications and keeps the others'", arguments: StoreFactory.all)
    func pruned(factory: StoreFactory) async throws {
        let store = try await factory.make()
        let origin = Origin(host: "ci-1", pid: 42)
        for n in 1...3 {
            let id = "20261129-000000.000-00000\(n)"
            let record = DeploymentRecord(id: DeploymentID(rawValue: id), environment: "production", release: "r\(n)", startedAt: t0.addingTimeInterval(Double(n) * 100), origin: origin)
            try await store.beginDeployment(record, token: nil)
            try await store.finishDeployment(record.id, outcome: .failed, reason: nil, code: .checkFailed, at: record.startedAt.addingTimeInterval(10), promote: false, token: nil)
            try await store.enqueueNotifications([item(id, .failed, at: Double(n) * 100)])
        }
        // Deployment 1 is old enough; 3 is the newest and always kept; 2 is too recent.
        #expect(try await store.prune(finishedBefore: t0.addingTimeInterval(150)) == 1)
        #expect(try await store.notifications(of: DeploymentID(rawValue: "20261129-000000.000-000001")).isEmpty)
        #expect(try await store.notifications(of: DeploymentID(rawValue: "20261129-000000.000-000002")).count == 1)
        #expect(try await store.notifications(of: DeploymentID(rawValue: "20261129-000000.000-000003")).count == 1)
    }
}
