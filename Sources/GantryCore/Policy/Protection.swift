package import Foundation

/// Why a deployment may not start now: a freeze, a freeze window or an open circuit breaker.
package enum Protection {
    package static func refusal(
        state: EnvironmentState, recent: [DeploymentRecord], windows: [FreezeWindow], circuitBreaker: Int?, now: Date
    ) -> Refusal? {
        if let freeze = state.freeze {
            return Refusal(.frozen, "\(state.name) is frozen by \(freeze.by) since \(Timestamp.format(freeze.at)): \(freeze.reason); 'gantry unfreeze \(state.name)' lifts it")
        }
        if let window = windows.first(where: { $0.contains(now) }) {
            return Refusal(.freezeWindow, "\(state.name) is inside the freeze window \(window)")
        }
        if let limit = circuitBreaker {
            let since = state.breakerResetAt ?? .distantPast
            let failures = recent
                .filter { $0.startedAt > since && $0.outcome != .skipped && $0.outcome != .refused && $0.outcome != nil }
                .prefix { $0.outcome == .failed || $0.outcome == .rolledBack }
            if failures.count >= limit {
                return Refusal(.circuitOpen, "the circuit breaker of \(state.name) is open: the last \(failures.count) deployments failed or were rolled back (limit \(limit)); fix the cause, then 'gantry unfreeze \(state.name)' resets it")
            }
        }
        return nil
    }
}
