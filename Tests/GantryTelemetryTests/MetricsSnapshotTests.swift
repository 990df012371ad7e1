import Foundation
import GantryCore
import GantryTelemetry
import Testing

@Suite("metrics snapshot")
struct MetricsSnapshotTests {
    let t0 = Date(timeIntervalSince1970: 1_795_000_000)
    let origin = Origin(host: "ci-1", pid: 1, runner: "primary")

    func record(_ n: Int, _ outcome: Outcome?, kind: DeploymentRecord.Kind = .deploy, seconds: Double = 30, environment: String = "production", code: ReasonCode? = nil) -> DeploymentRecord {
        DeploymentRecord(
            id: DeploymentID(rawValue: "20261129-000000.000-\(String(format: "%06x", n))"), environment: environment, release: "1.\(n)", kind: kind,
            outcome: outcome, reasonCode: code, startedAt: t0.addingTimeInterval(Double(n) * 100), finishedAt: outcome == nil ? nil : t0.addingTimeInterval(Double(n) * 100 + seconds), origin: origin
        )
    }

    /// `record` deployed past its promotion gate.
    func glass(_ record: DeploymentRecord) -> DeploymentRecord {
        var record = record
        record.breakGlass = "promotion gate skipped by alice: hotfix"
        return record
    }

    func state() -> MonitoringState {
        let lease = Lease(environment: "production", token: FencingToken(7), owner: origin, deploymentID: record(9, nil).id, reason: nil, acquiredAt: t0, expiresAt: t0.addingTimeInterval(1060))
        let waiter = LockWaiter(deploymentID: record(10, nil).id, release: "2.0", owner: origin, enqueuedAt: t0.addingTimeInterval(1000), heartbeatAt: t0.addingTimeInterval(1040))
        let production = MonitoringState.Environment(
            name: "production", state: EnvironmentState(name: "production", current: "1.2", lastGood: "1.2"), lease: lease, waiters: [waiter],
            checks: ["web", "db"], recent: []
        )
        let staging = MonitoringState.Environment(name: "staging", state: EnvironmentState(name: "staging"), lease: nil, waiters: [], checks: [], recent: [])
        return MonitoringState(
            now: t0.addingTimeInterval(1045), environments: [production, staging], runners: ["primary", "secondary"],
            deployments: [
                glass(record(1, .succeeded, seconds: 42)), record(2, .succeeded, seconds: 70), record(3, .rolledBack, seconds: 400, code: .checkFailed), glass(record(4, .skipped, seconds: 0.01)),
                record(5, .succeeded, kind: .rollback), record(6, .refused, kind: .rollback, code: .lockWaitTimeout), record(9, nil),
            ],
            observations: [
                Observation(subject: .check, environment: "production", name: "web", healthy: true, durationMilliseconds: 120, message: "HTTP 200", at: t0),
                Observation(subject: .check, environment: "production", name: "gone", healthy: false, durationMilliseconds: 1, message: "", at: t0),
                Observation(subject: .runner, name: "primary", healthy: false, durationMilliseconds: 500, message: "http: refused", at: t0),
                Observation(subject: .runner, name: "decommissioned", healthy: true, durationMilliseconds: 5, message: "", at: t0),
            ],
            failoverCounts: [FailoverCount(environment: "production", from: "primary", to: "secondary", count: 3), FailoverCount(environment: "production", from: "old", to: "secondary", count: 1)]
        )
    }

    func value(_ samples: [MetricsSnapshot.Sample], _ name: String, _ labels: [String: String]) -> Double? {
        samples.first { $0.name == name && Dictionary(uniqueKeysWithValues: $0.labels.map { ($0.name, $0.value) }) == labels }?.value
    }

    @Test("counters and gauges come from the stored history, with config-bounded labels")
    func values() throws {
        let snapshot = MetricsSnapshot(state(), version: "0.2.0")
        #expect(value(snapshot.counters, "gantry_deployments_total", ["environment": "production", "outcome": "succeeded"]) == 2)
        #expect(value(snapshot.counters, "gantry_deployments_total", ["environment": "production", "outcome": "failed"]) == 0)
        #expect(value(snapshot.counters, "gantry_deployments_total", ["environment": "staging", "outcome": "succeeded"]) == 0)
        #expect(value(snapshot.counters, "gantry_rollbacks_total", ["environment": "production", "reason": "automatic"]) == 1)
        #expect(value(snapshot.counters, "gantry_rollbacks_total", ["environment": "production", "reason": "manual"]) == 1)
        #expect(value(snapshot.gauges, "gantry_release_info", ["environment": "production", "release": "1.2"]) == 1)
        #expect(value(snapshot.gauges, "gantry_lock_held", ["environment": "production"]) == 1)
        #expect(value(snapshot.gauges, "gantry_deployment_in_progress", ["environment": "production"]) == 1)
        #expect(value(snapshot.gauges, "gantry_deployment_in_progress", ["environment": "staging"]) == 0)
        #expect(value(snapshot.gauges, "gantry_lock_wait_seconds", ["environment": "production"]) == 45)
        #expect(value(snapshot.gauges, "gantry_last_deployment_timestamp_seconds", ["environment": "production", "outcome": "succeeded"]) == t0.timeIntervalSince1970 + 270)
        #expect(value(snapshot.gauges, "gantry_check_up", ["environment": "production", "check": "web"]) == 1)
        #expect(value(snapshot.gauges, "gantry_check_duration_seconds", ["environment": "production", "check": "web"]) == 0.12)
        #expect(value(snapshot.gauges, "gantry_runner_up", ["runner": "primary"]) == 0)
        #expect(value(snapshot.counters, "gantry_runner_failovers_total", ["environment": "production", "from": "primary", "to": "secondary"]) == 3)
        #expect(value(snapshot.gauges, "gantry_build_info", ["version": "0.2.0"]) == 1)
        #expect(value(snapshot.counters, "gantry_failures_total", ["environment": "production", "code": "check_failed"]) == 1)
        #expect(value(snapshot.counters, "gantry_failures_total", ["environment": "production", "code": "lock_wait_timeout"]) == 1)
        #expect(value(snapshot.counters, "gantry_failures_total", ["environment": "staging", "code": "disk_full"]) == 0, "every code is present from 0")
        #expect(value(snapshot.counters, "gantry_break_glass_total", ["environment": "production"]) == 1, "a skipped deploy broke no glass")
        #expect(value(snapshot.counters, "gantry_break_glass_total", ["environment": "staging"]) == 0, "present from 0")
        #expect(snapshot.counters.filter { $0.name == "gantry_failures_total" }.count == ReasonCode.allCases.count * 2)
        let labels = (snapshot.counters + snapshot.gauges).flatMap(\.labels).map(\.value)
        #expect(!labels.contains("gone") && !labels.contains("decommissioned") && !labels.contains("old"), "labels outside the config")
        let durations = try #require(snapshot.histograms.first { $0.labels.contains(MetricsSnapshot.Label("outcome", "succeeded")) })
        #expect(durations.count == 2 && durations.sum == .seconds(112))
        #expect(durations.buckets[HistoryTotals.bucket(of: .seconds(42))] == 1 && durations.buckets[HistoryTotals.bucket(of: .seconds(70))] == 1)
        #expect(!snapshot.histograms.contains { $0.labels.contains(MetricsSnapshot.Label("outcome", "skipped")) })
    }

    @Test("the exposition is Prometheus text with deploy-sized histogram buckets")
    func exposition() {
        let text = String(decoding: PrometheusExposition.render(MetricsSnapshot(state(), version: "0.2.0")), as: UTF8.self)
        #expect(text.contains("# TYPE gantry_deployments_total counter\n"))
        #expect(text.contains(#"gantry_deployments_total{environment="production",outcome="succeeded"} 2"#))
        #expect(text.contains("# TYPE gantry_deployment_duration_seconds histogram\n"))
        #expect(text.contains(#"gantry_deployment_duration_seconds_bucket{environment="production",outcome="succeeded",le="60.0"} 1"#))
        #expect(text.contains(#"gantry_deployment_duration_seconds_bucket{environment="production",outcome="succeeded",le="3600.0"} 2"#))
        #expect(text.contains(#"gantry_deployment_duration_seconds_count{environment="production",outcome="succeeded"} 2"#))
        #expect(text.contains(#"gantry_deployment_duration_seconds_bucket{environment="production",outcome="succeeded",le="+Inf"} 2"#))
        #expect(text.contains(#"gantry_deployment_duration_seconds_sum{environment="production",outcome="succeeded"} 112.0"#))
        #expect(text.contains(#"gantry_release_info{environment="production",release="1.2"} 1"#))
        #expect(text.hasSuffix("\n"))
    }
}
