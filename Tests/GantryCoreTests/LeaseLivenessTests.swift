import Foundation
import GantryCore
import Testing

/// One judgement of what holds a lock, for unlock, status, promote/abort and the metrics.
@Suite("lease liveness")
struct LeaseLivenessTests {
    static let now = Date(timeIntervalSince1970: 1_800_000_000)
    static let holder = DeploymentID(rawValue: "20270115-075959.000-bbbbbb")

    static func lease(deployment: DeploymentID? = holder, expiresIn seconds: Double = 6) -> Lease {
        Lease(environment: "production", token: FencingToken(7), owner: Origin(host: "runner-1", pid: 100), deploymentID: deployment,
              reason: nil, acquiredAt: now.addingTimeInterval(-2), expiresAt: now.addingTimeInterval(seconds))
    }

    static func entry(_ sequence: Int, _ event: JournalEvent) -> JournalEntry {
        JournalEntry(sequence: sequence, at: now, event: event)
    }

    /// A rollout's journal: batch 1 of 4 started, then paused (left paused when `detached`).
    static func pausedJournal(detached: Bool) -> [JournalEntry] {
        var paused = JournalEvent(kind: .paused, step: Step.verify.rawValue, message: "analysis inconclusive")
        paused.detached = detached
        return [entry(1, RolloutProgress(batch: 1, batches: 4, hosts: ["web-1"], paused: nil).journalEvent), entry(2, paused)]
    }

    @Test("no lease, or one past its expiry, holds nothing")
    func free() {
        #expect(LeaseLiveness.judge(nil, at: Self.now, holderJournal: [], holderDead: false) == .free)
        #expect(LeaseLiveness.judge(Self.lease(expiresIn: -0.001), at: Self.now, holderJournal: [], holderDead: true) == .free)
    }

    @Test("a hold by hand, a running deployment, a dead holder")
    func holders() {
        let hand = Self.lease(deployment: nil)
        #expect(LeaseLiveness.judge(hand, at: Self.now, holderJournal: [], holderDead: true) == .heldByHand(hand))
        let running = Self.lease()
        #expect(LeaseLiveness.judge(running, at: Self.now, holderJournal: [], holderDead: false) == .running(running, Self.holder))
        #expect(LeaseLiveness.judge(running, at: Self.now, holderJournal: [], holderDead: true) == .deadHolder(running, Self.holder))
        #expect(LeaseLiveness.judge(running, at: Self.now, holderJournal: [], holderDead: false).lease == running)
    }

    @Test("a rollout left paused is paused even though no process holds it; one that pauses while its process waits is running")
    func paused() {
        let lease = Self.lease(expiresIn: 3600)
        #expect(LeaseLiveness.judge(lease, at: Self.now, holderJournal: Self.pausedJournal(detached: true), holderDead: true) == .paused(lease, Self.holder))
        #expect(LeaseLiveness.judge(lease, at: Self.now, holderJournal: Self.pausedJournal(detached: false), holderDead: false) == .running(lease, Self.holder))
    }
}
