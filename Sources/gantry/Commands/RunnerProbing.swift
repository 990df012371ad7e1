import GantryCore
import GantryProbes
import GantryTerminal

/// Probes every configured runner; shared by `runners` and `select-runner`.
enum RunnerProbing {
    static func health(_ runners: [RunnerConfig], context: Context, runner: String?, config: GantryConfig) async -> [RunnerHealth] {
        let thisMachine = context.thisRunner(runners, flag: runner)
        return await context.withAdapters(config: config) { live in
            await RunnerHealthCheck(prober: live.prober).run(runners, thisMachine: thisMachine, environment: context.environment)
        }
    }

    static func table(_ health: [RunnerHealth]) -> TextTable {
        var rows: [[String]] = []
        for entry in health {
            let verdict = entry.healthy ? "healthy" : "UNHEALTHY"
            if entry.sources.isEmpty {
                rows.append([entry.runner.name, String(entry.runner.priority), verdict, "—", "—", "", "no health sources: assumed healthy"])
            }
            for source in entry.sources {
                rows.append([
                    entry.runner.name, String(entry.runner.priority), verdict, source.source, source.state.rawValue,
                    DurationText.format(.milliseconds(source.latencyMilliseconds)), source.message,
                ])
            }
        }
        return TextTable(headers: ["RUNNER", "PRIORITY", "VERDICT", "SOURCE", "STATE", "TOOK", "DETAIL"], rows: rows)
    }
}
