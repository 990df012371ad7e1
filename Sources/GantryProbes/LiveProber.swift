package import Foundation
package import GantryCore
package import Logging

/// Probes real services: the adapter behind the core's `Prober`.
///
/// HTTP clients are shared per TLS setting and shut down when the scope of `withLiveProber`
/// ends, so a verification of a thousand targets reuses connections and leaks none.
package final class LiveProber: Prober {
    let http: HTTPClients
    let commandRunner: any CommandRunner
    let processes: any ProcessControl
    let directory: String
    let logger: Logger

    init(commandRunner: any CommandRunner, processes: any ProcessControl, directory: String, logger: Logger) {
        http = HTTPClients()
        self.commandRunner = commandRunner
        self.processes = processes
        self.directory = directory
        self.logger = logger
    }

    /// Runs `body` with a prober whose resources are released afterwards.
    /// - Parameters:
    ///   - commandRunner: runs `command` checks.
    ///   - processes: finds the tools a runner's `local` source requires.
    ///   - directory: the working directory of `command` checks (the config's directory).
    package static func with<T>(
        commandRunner: any CommandRunner, processes: any ProcessControl, directory: String,
        logger: Logger = Logger(label: "gantry.probes") { _ in SwiftLogNoOpLogHandler() },
        _ body: (LiveProber) async throws -> T
    ) async rethrows -> T {
        let prober = LiveProber(commandRunner: commandRunner, processes: processes, directory: directory, logger: logger)
        do {
            let result = try await body(prober)
            await prober.http.shutdown()
            return result
        } catch {
            await prober.http.shutdown()
            throw error
        }
    }

    package func prometheusSamples(url: String, query: String, window: ClosedRange<Date>?, step: Duration, timeout: Duration) async -> Result<[PrometheusSample], QueryFailure> {
        await HTTPProbe(clients: http).prometheusSamples(url: url, query: query, window: window, step: step, timeout: timeout)
    }

    /// HTTP requests (and so the nginx and Prometheus probes) end at their deadline: the
    /// client fails them itself, connection attempt included.
    package func boundsItsOwnTime(_ probe: ProbeConfig) -> Bool {
        switch probe {
        case .http, .nginx, .prometheus: true
        default: false
        }
    }

    package func probe(_ probe: ProbeConfig, timeout: Duration) async -> ProbeVerdict {
        switch probe {
        case .http(let config):
            return await HTTPProbe(clients: http).run(config, timeout: timeout)
        case .tcp(let config):
            return await TCPProbe.run(host: config.host, port: config.port, timeout: timeout)
        case .postgres(let config):
            return await PostgresProbe.run(config, timeout: timeout, logger: logger)
        case .redis(let config):
            return await RedisProbe.run(config, timeout: timeout)
        case .nginx(let config):
            return await HTTPProbe(clients: http).nginx(config, timeout: timeout)
        case .prometheus(let config):
            return await HTTPProbe(clients: http).prometheus(config, timeout: timeout)
        case .disk(let config):
            return SystemProbes.disk(config)
        case .memory(let config):
            return SystemProbes.memory(config)
        case .command(let config):
            return await CommandProbe.run(config, runner: commandRunner, directory: directory, timeout: timeout)
        }
    }
}

