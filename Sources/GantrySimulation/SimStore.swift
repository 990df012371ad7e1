import Foundation
import GantryCore

/// The simulated store: the production `LeaseTable` stepped with the store's clock, the
/// deployments' records, and what the invariants need to know of it (every token granted,
/// every lease's expiry).
struct SimStore {
    var table = LeaseTable()
    struct Record { var environment: Int; var release: String; var runner: Int; var outcome: Outcome? }
    var records: [String: Record] = [:]
    var order: [String] = []
    var states: [Int: EnvironmentState] = [:]
    /// The expiry of every lease ever granted, by environment and token.
    var expiries: [Int: [Int64: Int64]] = [:]
    /// The newest token granted per environment.
    var newest: [Int: FencingToken] = [:]
    /// When the store is down (restarting) until.
    var downUntil: Int64 = -1

    static func date(_ at: Int64) -> Date { Date(timeIntervalSinceReferenceDate: Double(at) / 1e9) }
    static func nanos(_ date: Date) -> Int64 { Int64((date.timeIntervalSinceReferenceDate * 1e9).rounded()) }
    static func environment(_ index: Int) -> String { "e\(index)" }
}
