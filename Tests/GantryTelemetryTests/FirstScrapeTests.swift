import Foundation
import GantryCore
import GantryTelemetry
import Testing

/// What `/metrics` (and the textfile) hold before anything has happened: every series the
/// config and the fixed label sets determine, at 0, so `rate()`, `increase()` and `absent()`
/// work from the first scrape, and every metric the dashboard and the alert rules use.
@Suite("the first scrape")
struct FirstScrapeTests {
    /// One environment with one check, and the two runners a failover needs (with one
    /// runner there is nothing to fail over to, so no failover series can exist).
    static let config = """
        version: 1
        environments:
          production:
            targets: [127.0.0.1]
            deploy: { command: [/bin/true] }
            checks:
              - { name: web, http: { url: "http://127.0.0.1/health" } }
        runners:
          - { name: primary, priority: 1, health: [] }
          - { name: secondary, priority: 2, health: [] }
        """

    /// What only an observation can say: a runner's or check's verdict and its latency (0
    /// would claim it down before anything probed it), and the release an environment runs.
    static let observed: Set<String> = [MetricName.runnerUp, MetricName.runnerProbeDuration, MetricName.checkUp, MetricName.checkDuration, MetricName.releaseInfo]

    let now = Date(timeIntervalSince1970: 1_795_000_000)

    func emptyState() async throws -> (GantryConfig, MonitoringState) {
        let config = try ConfigParser.parse(text: Self.config, file: "gantry.yml", directory: "/srv/app")
        let state = try await MonitoringState.load(config: config, store: nil, now: now)
        return (config, state)
    }

    /// Every `gantry_…` name the dashboard's JSON and the alert rules mention.
    func referenced(_ config: GantryConfig) -> Set<String> {
        let alerts = AlertRules(
            runbookBase: "docs/runbooks.md", job: "gantry", stuckAfter: config.environments.map { (environment: $0.name, after: AlertRules.stuckAfter($0)) }
        ).render()
        return Set((GrafanaDashboard.render() + "\n" + alerts).matches(of: /gantry_[a-z_]+/).map { String($0.output) })
    }

    /// The families of an exposition, by their `# TYPE` lines: name → type.
    func families(_ text: String) -> [String: String] {
        Dictionary(text.matches(of: /TYPE (gantry_[a-z_]+) ([a-z]+)\n/).map { (String($0.output.1), String($0.output.2)) }, uniquingKeysWith: { first, _ in first })
    }

    /// The referenced names an exposition lacks; `_bucket`, `_sum` and `_count` of a
    /// histogram count as the histogram.
    func missing(_ names: Set<String>, in families: [String: String]) -> Set<String> {
        names.filter { name in
            if families[name] != nil { return false }
            for suffix in ["_bucket", "_sum", "_count"] where name.hasSuffix(suffix) {
                if families[String(name.dropLast(suffix.count))] == "histogram" { return false }
            }
            return true
        }
    }

    func render(_ state: MonitoringState) -> String {
        String(decoding: PrometheusExposition.render(MetricsSnapshot(state, version: "0.0.0")), as: UTF8.self)
    }

    @Test("from an empty store, every metric the dashboard and the alert rules use is exported, at 0")
    func everyReferencedMetric() async throws {
        let (config, state) = try await emptyState()
        let text = render(state)
        let typed = families(text)
        let names = referenced(config)
        #expect(names.count >= 10, "the dashboard and the rules name gantry's metrics: \(names.sorted())")
        #expect(names.isSuperset(of: [MetricName.runnerFailoversTotal, MetricName.deploymentsTotal, MetricName.lastDeploymentTimestamp]))

        let absent = missing(names.subtracting(Self.observed), in: typed)
        #expect(absent.isEmpty, "not in the first scrape: \(absent.sorted())\n\(text)")
        for name in Self.observed {
            #expect(typed[name] == nil, "\(name) before anything was observed")
        }

        // Each known label set, at 0.
        #expect(text.contains(#"gantry_runner_failovers_total{environment="production",from="primary",to="secondary"} 0"#), "\(text)")
        #expect(!text.contains(#"from="secondary""#), "a failover goes from the first choice by priority")
        for outcome in Outcome.allCases where outcome != .paused {
            #expect(text.contains(#"gantry_deployments_total{environment="production",outcome="\#(outcome.rawValue)"} 0"#), "\(outcome)")
            #expect(text.contains(#"gantry_last_deployment_timestamp_seconds{environment="production",outcome="\#(outcome.rawValue)"} 0"#), "\(outcome)")
        }
        #expect(text.contains(#"gantry_rollbacks_total{environment="production",reason="automatic"} 0"#))
        #expect(text.contains(#"gantry_rollbacks_total{environment="production",reason="manual"} 0"#))
        #expect(text.contains(#"gantry_deployment_duration_seconds_count{environment="production",outcome="succeeded"} 0"#))
        #expect(text.contains(#"gantry_deployment_duration_seconds_bucket{environment="production",outcome="failed",le="+Inf"} 0"#))
        #expect(!text.contains(#"gantry_deployment_duration_seconds_count{environment="production",outcome="skipped"}"#))
        #expect(text.contains(#"gantry_lock_held{environment="production"} 0"#))
        #expect(text.contains(#"gantry_deployment_in_progress{environment="production"} 0"#))
    }

    @Test("what only an observation can say appears with the first observation")
    func observedMetrics() async throws {
        let (config, empty) = try await emptyState()
        var state = empty
        state.observations = [
            Observation(subject: .runner, name: "primary", healthy: true, durationMilliseconds: 20, message: "ok", at: now),
            Observation(subject: .check, environment: "production", name: "web", healthy: false, durationMilliseconds: 80, message: "HTTP 503", at: now),
        ]
        state.environments[0].status.state.current = "1.0.0"
        let text = render(state)
        let absent = missing(referenced(config), in: families(text))
        #expect(absent.isEmpty, "not exported: \(absent.sorted())\n\(text)")
        #expect(text.contains(#"gantry_runner_up{runner="primary"} 1"#))
        #expect(!text.contains(#"gantry_runner_up{runner="secondary"}"#), "secondary was never probed")
    }
}
