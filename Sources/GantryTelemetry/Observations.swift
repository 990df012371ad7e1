package import Foundation
package import GantryCore

/// Turns verdicts into the observations the store keeps: one per check (all its targets
/// together) and one per runner.
package enum Observations {
    /// A check is up when it passed on every target; its duration is the slowest target's.
    package static func checks(_ results: [CheckResult], environment: String, at: Date) -> [Observation] {
        var order: [String] = []
        var grouped: [String: [CheckResult]] = [:]
        for result in results {
            if grouped[result.name] == nil { order.append(result.name) }
            grouped[result.name, default: []].append(result)
        }
        return order.map { name in
            let results = grouped[name] ?? []
            let failed = results.filter { !$0.passed }
            let message: String
            if let first = failed.first {
                message = failed.count == 1 ? "\(first.label): \(first.message)" : "\(failed.count) of \(results.count) targets fail; \(first.label): \(first.message)"
            } else {
                message = results.count == 1 ? results[0].message : "all \(results.count) targets pass"
            }
            return Observation(
                subject: .check, environment: environment, name: name, healthy: failed.isEmpty,
                durationMilliseconds: results.map(\.latencyMilliseconds).max() ?? 0, message: message, at: at
            )
        }
    }

    /// A runner's verdict; its duration is its slowest source's.
    package static func runners(_ health: [RunnerHealth], at: Date) -> [Observation] {
        health.map { entry in
            Observation(
                subject: .runner, name: entry.runner.name, healthy: entry.healthy,
                durationMilliseconds: entry.sources.map(\.latencyMilliseconds).max() ?? 0,
                message: entry.sources.isEmpty ? "no health sources" : entry.reason, at: at
            )
        }
    }
}
