import Foundation
import GantryCore
import GantryTelemetry

/// Reads the state store for `serve`, opening it read-only when it first exists (a store
/// nothing has deployed to yet reads as empty) and keeping it open after.
actor StoreReader {
    let context: Context
    let config: GantryConfig
    var store: (any StateStore)?

    init(context: Context, config: GantryConfig) {
        self.context = context
        self.config = config
    }

    func read() async -> (state: MonitoringState, error: String?) {
        do {
            if store == nil { store = try await context.openStore(config: config, create: false) }
            return (try await MonitoringState.load(config: config, store: store, now: Date()), nil)
        } catch {
            let empty = (try? await MonitoringState.load(config: config, store: nil, now: Date())) ?? MonitoringState(now: Date(), environments: [], runners: [])
            return (empty, "\(error)")
        }
    }
}
