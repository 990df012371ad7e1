import Foundation
import GantryCore
import GantryStore
import GantryTelemetry
import GantryTerminal

/// After a one-shot command: keeps what it observed (check and runner verdicts, a failover)
/// in the state store, and rewrites the node_exporter textfile from the store when
/// `metrics.textfile` is configured. Best effort: the command's own result and exit code
/// never depend on it; a problem is a warning on standard error.
///
/// Observations are recorded only where state already lives (or a textfile wants them), so
/// `gantry check` on a laptop does not leave a database behind.
struct MetricsPublisher {
    let context: Context
    let config: GantryConfig

    func publish(observations: [Observation] = [], failover: RunnerFailover? = nil) async {
        var store: (any StateStore)?
        if !observations.isEmpty || failover != nil {
            do {
                if try context.storeLocation(config: config).mayHoldState || config.metrics.textfile != nil {
                    // Observations are best effort: never worth moving a shared schema.
                    store = try await context.openStore(config: config, create: true, migrate: false)
                    try await store?.record(observations)
                    if let failover { try await store?.recordFailover(failover) }
                }
            } catch {
                warn("could not record what this command observed in the state store: \(error)")
            }
        }
        guard let textfile = config.metrics.textfile else { return }
        let path = PathText.join(config.directory, textfile)
        do {
            if store == nil { store = try await context.openStore(config: config, create: false) }
            let state = try await MonitoringState.load(config: config, store: store, now: Date())
            try TextfileWriter.write(PrometheusExposition.render(MetricsSnapshot(state, version: GantryVersion.current)), to: path)
        } catch {
            warn("could not write the metrics textfile \(path): \(error)")
        }
    }

    private func warn(_ message: String) {
        Console.write("gantry: warning: \(message)\n", to: STDERR_FILENO)
    }
}
