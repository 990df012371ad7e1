import Foundation
import GantryCore
import Testing

/// `promote_from`'s rule: verified in the source environment, its current release for the
/// soak, nothing of it failed there since; every refusal says what is missing.
@Suite("promotion gate")
struct PromotionGateTests {
    let config = PromotionConfig(environment: "staging", soak: .seconds(30 * 60))
    let origin = Origin(host: "ci-1", pid: 1)
    let start = Date(timeIntervalSince1970: 1_800_000_000)

    /// A finished deployment of staging, `minutes` after `start`.
    func record(_ n: Int, _ release: String, _ outcome: Outcome, at minutes: Double, kind: DeploymentRecord.Kind = .deploy) -> DeploymentRecord {
        let at = start.addingTimeInterval(minutes * 60)
        return DeploymentRecord(
            id: DeploymentID(rawValue: "20270115-0000\(String(format: "%02d", n)).000-00000\(n)"), environment: "staging", release: release, kind: kind,
            outcome: outcome, startedAt: at.addingTimeInterval(-30), finishedAt: at, origin: origin
        )
    }

    func judge(_ release: String, _ records: [DeploymentRecord], now minutes: Double) -> Refusal? {
        // The store answers newest first.
        PromotionGate.refusal(release: release, config: config, source: records.reversed(), now: start.addingTimeInterval(minutes * 60))
    }

    @Test("a release that never ran, or never passed verification, in the source is refused, saying so")
    func neverVerified() {
        #expect(judge("2.4.1", [], now: 0)?.text == "2.4.1 never ran in staging")
        let rolledBack = record(1, "2.4.1", .rolledBack, at: 0)
        let refusal = judge("2.4.1", [rolledBack], now: 60)
        #expect(refusal?.code == .notPromoted)
        #expect(refusal?.text == "2.4.1 never passed verification in staging: its deployment \(rolledBack.id) there ended rolled_back")
        #expect(judge("2.4.1", [record(1, "2.4.0", .succeeded, at: 0)], now: 60)?.text == "2.4.1 never ran in staging")
    }

    @Test("the soak is measured on the store's clock where the store keeps one: a runner that stamped its finish an hour early gains nothing")
    func storeClock() {
        var verified = record(1, "2.4.1", .succeeded, at: -60)
        verified.storeFinishedAt = start
        #expect(judge("2.4.1", [verified], now: 12)?.text == "2.4.1 has been live in staging for 12m of 30m (deployment \(verified.id))")
        #expect(judge("2.4.1", [verified], now: 30) == nil)
    }

    @Test("live for less than the soak: refused with how long of how long; after the soak it passes")
    func soak() {
        let verified = record(1, "2.4.1", .succeeded, at: 0)
        #expect(judge("2.4.1", [verified], now: 12)?.text == "2.4.1 has been live in staging for 12m of 30m (deployment \(verified.id))")
        #expect(judge("2.4.1", [verified], now: 30) == nil)
        // Skipped and refused deployments of it since change nothing.
        #expect(judge("2.4.1", [verified, record(2, "2.4.1", .skipped, at: 10), record(3, "2.5", .refused, at: 11)], now: 45) == nil)
        // A rollback to it that was verified counts as verified live.
        #expect(judge("2.4.1", [record(1, "2.4.1", .succeeded, at: 0, kind: .rollback)], now: 31) == nil)
    }

    @Test("replaced before its soak ended, or rolled back there since: refused, saying when and by what")
    func replacedOrRolledBack() {
        let verified = record(1, "2.4.1", .succeeded, at: 0)
        let replaced = judge("2.4.1", [verified, record(2, "2.5", .succeeded, at: 10)], now: 60)
        #expect(replaced?.text == "2.4.1 was live in staging for 10m of 30m before 2.5 replaced it (deployment \(verified.id))")
        // A release that failed without a way back leaves the hosts on something unverified.
        let failed = judge("2.4.1", [verified, record(2, "2.5", .failed, at: 20)], now: 60)
        #expect(failed?.text.hasPrefix("2.4.1 was live in staging for 20m of 30m before 2.5 replaced it") == true)
        // Another release rolled back to it does not end its time as current.
        #expect(judge("2.4.1", [verified, record(2, "2.5", .rolledBack, at: 20)], now: 60) == nil)
        // Soaked long enough before it was replaced: promotable.
        #expect(judge("2.4.1", [verified, record(2, "2.5", .succeeded, at: 40)], now: 60) == nil)
        let again = record(2, "2.4.1", .rolledBack, at: 35)
        let rolledBack = judge("2.4.1", [verified, again], now: 60)
        #expect(rolledBack?.text.hasPrefix("2.4.1 was rolled back in staging at ") == true)
        #expect(rolledBack?.text.hasSuffix("(deployment \(again.id))") == true)
    }
}
