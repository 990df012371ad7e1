import Foundation
import GantryCore
import GantryServe
import GantryTelemetry
import Testing

/// Which pollers `gantry serve` runs is decided from the config, in GantryServe.
@Suite("what gantry serve polls")
struct ServePollersTests {
    struct Healthy: Prober, RunnerProber {
        func probe(_ probe: ProbeConfig, timeout: Duration) async -> ProbeVerdict { .pass("ok") }
        func boundsItsOwnTime(_ probe: ProbeConfig) -> Bool { false }
        func probe(_ source: RunnerSource, runner: RunnerConfig, isThisMachine: Bool, environment: [String: String]) async -> SourceVerdict {
            SourceVerdict(source: "http", state: .healthy, message: "ok")
        }
    }

    func pollers(_ yaml: String, deliver: Bool) throws -> [String] {
        let config = try ConfigParser.parse(text: yaml, file: "gantry.yml", directory: "/srv/app")
        let board = StatusBoard(initial: MonitoringState(now: Date(), environments: [], runners: []), version: "0", downAfter: 2, upAfter: 2, refreshSeconds: 15)
        let sources = ServePollers.Sources(
            readStore: { (MonitoringState(now: Date(), environments: [], runners: []), nil) },
            deliverNotifications: deliver ? { @Sendable in } : nil, prober: Healthy(), targets: [:], environment: [:], thisMachine: nil
        )
        return ServePollers.make(config: config, board: board, sources: sources).map(\.name)
    }

    @Test("the store always; the outbox with webhooks; runners when configured; checks of each environment that has some")
    func chosen() throws {
        let bare = "version: 1\nenvironments:\n  production: { deploy: { command: [\"true\"] } }\n"
        #expect(try pollers(bare, deliver: false) == ["store"])
        let full = """
            version: 1
            runners:
              - { name: r1, health: [ { http: { url: "http://127.0.0.1:9/healthz" } } ] }
            environments:
              production:
                deploy: { command: ["true"] }
                checks: [ { name: web, tcp: { host: 127.0.0.1, port: 9 } } ]
              staging:
                deploy: { command: ["true"] }
            """
        #expect(try pollers(full, deliver: true) == ["store", "notifications", "runners", "checks-production"])
    }
}
