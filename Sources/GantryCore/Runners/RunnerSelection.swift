/// Judges runners and picks one. Pure: the probing is done before.
package enum RunnerSelection {
    package static func judge(_ runner: RunnerConfig, _ verdicts: [SourceVerdict]) -> RunnerHealth {
        let healthy: Bool
        if verdicts.isEmpty {
            healthy = true
        } else if runner.requireAll {
            healthy = verdicts.allSatisfy { $0.state == .healthy }
        } else {
            healthy = verdicts.contains { $0.state == .healthy }
        }
        return RunnerHealth(runner: runner, healthy: healthy, sources: verdicts)
    }

    /// The runners that may deploy `environment`: those carrying it as a label, or all when
    /// none does.
    package static func eligible(_ runners: [RunnerConfig], for environment: String?) -> [RunnerConfig] {
        guard let environment else { return runners }
        let labelled = runners.filter { $0.labels.contains(environment) }
        return labelled.isEmpty ? runners : labelled
    }

    /// The healthy runner with the best priority (ties by name), and whether that is a
    /// failover: the first choice by priority was not healthy.
    package static func select(_ health: [RunnerHealth]) -> (chosen: RunnerHealth?, failoverFrom: RunnerHealth?) {
        let ordered = health.sorted { ($0.runner.priority, $0.runner.name) < ($1.runner.priority, $1.runner.name) }
        let chosen = ordered.first { $0.healthy }
        let first = ordered.first
        let failover = (chosen != nil && first != nil && first!.runner.name != chosen!.runner.name) ? first : nil
        return (chosen, failover)
    }
}
