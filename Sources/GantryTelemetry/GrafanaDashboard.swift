import Foundation

/// A Grafana dashboard for Gantry's metrics, generated from the same names the code emits.
///
/// It imports both ways without "datasource not found": the import dialog fills the
/// `DS_PROMETHEUS` input, and file provisioning (which ignores `__inputs`) still works
/// because every panel names its data source through the `datasource` template variable,
/// which falls back to the default Prometheus. Panels sit on Grafana's 24-column grid.
package enum GrafanaDashboard {
    static let uid = "gantry-deploys"

    static var datasource: [String: Any] { ["type": "prometheus", "uid": "${datasource}"] }
    static let env = "environment=~\"$environment\""

    /// The dashboard as JSON text.
    package static func render() -> String {
        let data = (try? JSONSerialization.data(withJSONObject: model(), options: [.prettyPrinted, .sortedKeys])) ?? Data()
        return String(decoding: data, as: UTF8.self) + "\n"
    }

    /// The dashboard model.
    package static func model() -> [String: Any] {
        [
            "__inputs": [[
                "name": "DS_PROMETHEUS", "label": "Prometheus", "description": "The Prometheus that scrapes gantry serve or node_exporter's textfile collector",
                "type": "datasource", "pluginId": "prometheus", "pluginName": "Prometheus",
            ]],
            "__requires": [
                ["type": "grafana", "id": "grafana", "name": "Grafana", "version": "10.0.0"],
                ["type": "datasource", "id": "prometheus", "name": "Prometheus", "version": "1.0.0"],
                ["type": "panel", "id": "stat", "name": "Stat", "version": ""],
                ["type": "panel", "id": "timeseries", "name": "Time series", "version": ""],
                ["type": "panel", "id": "state-timeline", "name": "State timeline", "version": ""],
                ["type": "panel", "id": "table", "name": "Table", "version": ""],
            ],
            "uid": uid,
            "title": "Gantry: deploys and runners",
            "description": "Deployments, rollbacks, runner health and checks, from gantry's metrics",
            "tags": ["gantry", "deploys"],
            "timezone": "browser",
            "schemaVersion": 39,
            "version": 1,
            "editable": true,
            "graphTooltip": 1,
            "refresh": "30s",
            "time": ["from": "now-7d", "to": "now"],
            "annotations": ["list": [] as [Any]],
            "links": [] as [Any],
            "templating": ["list": [
                [
                    "name": "datasource", "label": "Data source", "type": "datasource", "query": "prometheus",
                    "current": ["selected": false, "text": "${DS_PROMETHEUS}", "value": "${DS_PROMETHEUS}"],
                    "hide": 0, "refresh": 1, "regex": "", "options": [] as [Any],
                ],
                [
                    "name": "environment", "label": "Environment", "type": "query", "datasource": datasource,
                    "query": ["query": "label_values(\(MetricName.deploymentsTotal), environment)", "refId": "environment"],
                    "definition": "label_values(\(MetricName.deploymentsTotal), environment)",
                    "includeAll": true, "multi": true, "allValue": ".*", "refresh": 2, "sort": 1, "hide": 0,
                    "current": ["selected": true, "text": ["All"], "value": ["$__all"]], "options": [] as [Any],
                ],
            ]],
            "panels": panels(),
        ]
    }

    static func panels() -> [[String: Any]] {
        var id = 0
        func panel(_ type: String, _ title: String, _ description: String, x: Int, y: Int, w: Int, h: Int, targets: [(String, String)], extra: [String: Any] = [:]) -> [String: Any] {
            id += 1
            var panel: [String: Any] = [
                "id": id, "type": type, "title": title, "description": description, "datasource": datasource,
                "gridPos": ["x": x, "y": y, "w": w, "h": h],
                "targets": targets.enumerated().map { index, target in
                    ["refId": String(UnicodeScalar(UInt8(65 + index))), "expr": target.0, "legendFormat": target.1, "datasource": datasource] as [String: Any]
                },
            ]
            for (key, value) in extra { panel[key] = value }
            return panel
        }
        /// A 0/1 series shown as two named, coloured states.
        func states(zero: (text: String, color: String), one: (text: String, color: String), options: [String: Any]) -> [String: Any] {
            [
                "fieldConfig": ["defaults": [
                    "mappings": [["type": "value", "options": ["0": ["text": zero.text, "color": zero.color], "1": ["text": one.text, "color": one.color]]]],
                    "thresholds": ["mode": "absolute", "steps": [["color": zero.color, "value": NSNull()], ["color": one.color, "value": 1]]],
                    "color": ["mode": "thresholds"],
                ], "overrides": [] as [Any]],
                "options": options,
            ]
        }
        let upDown = states(zero: ("DOWN", "red"), one: ("UP", "green"), options: ["showValue": "auto", "mergeValues": true, "rowHeight": 0.9])
        let yesNo = states(
            zero: ("no", "green"), one: ("yes", "orange"),
            options: ["colorMode": "background", "graphMode": "none", "textMode": "value_and_name", "reduceOptions": ["calcs": ["lastNotNull"]]]
        )
        return [
            panel(
                "table", "Current release", "The release each environment runs, as last verified (gantry_release_info)", x: 0, y: 0, w: 8, h: 6,
                targets: [("max by (environment, release) (\(MetricName.releaseInfo){\(env)})", "{{environment}}: {{release}}")],
                extra: [
                    "transformations": [["id": "labelsToFields", "options": [:] as [String: Any]], ["id": "organize", "options": ["excludeByName": ["Time": true, "Value": true]]]],
                    "options": ["showHeader": true],
                ]
            ),
            panel(
                "stat", "Deploy in progress", "A deployment holds the environment's lease", x: 8, y: 0, w: 5, h: 6,
                targets: [("max by (environment) (\(MetricName.deploymentInProgress){\(env)})", "{{environment}}")], extra: yesNo
            ),
            panel(
                "stat", "Lock held", "The environment's lock is held, by a deployment or by hand (gantry lock)", x: 13, y: 0, w: 5, h: 6,
                targets: [("max by (environment) (\(MetricName.lockHeld){\(env)})", "{{environment}}")], extra: yesNo
            ),
            panel(
                "stat", "Longest lock wait", "How long the oldest queued deployment has waited for the lock", x: 18, y: 0, w: 6, h: 6,
                targets: [("max by (environment) (\(MetricName.lockWait){\(env)})", "{{environment}}")],
                extra: ["fieldConfig": ["defaults": ["unit": "s"], "overrides": [] as [Any]]]
            ),
            panel(
                "timeseries", "Deployment outcomes", "Deployments finished per outcome", x: 0, y: 6, w: 12, h: 8,
                targets: [("sum by (outcome) (increase(\(MetricName.deploymentsTotal){\(env)}[$__interval]))", "{{outcome}}")],
                extra: ["interval": "1h", "fieldConfig": ["defaults": ["custom": ["drawStyle": "bars", "stacking": ["mode": "normal"], "fillOpacity": 80]], "overrides": [] as [Any]]]
            ),
            panel(
                "timeseries", "Deployment duration p50 / p95", "From gantry_deployment_duration_seconds, over the last day of deploys", x: 12, y: 6, w: 12, h: 8,
                targets: [
                    ("histogram_quantile(0.5, sum by (le) (increase(\(MetricName.deploymentDuration)_bucket{\(env)}[1d])))", "p50"),
                    ("histogram_quantile(0.95, sum by (le) (increase(\(MetricName.deploymentDuration)_bucket{\(env)}[1d])))", "p95"),
                ],
                extra: ["fieldConfig": ["defaults": ["unit": "s"], "overrides": [] as [Any]]]
            ),
            panel(
                "state-timeline", "Runner health", "Each runner's verdict (gantry_runner_up)", x: 0, y: 14, w: 12, h: 8,
                targets: [("max by (runner) (\(MetricName.runnerUp))", "{{runner}}")], extra: upDown
            ),
            panel(
                "state-timeline", "Check status", "Each health check, all targets together (gantry_check_up)", x: 12, y: 14, w: 12, h: 8,
                targets: [("max by (environment, check) (\(MetricName.checkUp){\(env)})", "{{environment}} / {{check}}")], extra: upDown
            ),
            panel(
                "timeseries", "Rollbacks and failovers", "Rollbacks by reason and runner failovers", x: 0, y: 22, w: 12, h: 8,
                targets: [
                    ("sum by (environment, reason) (increase(\(MetricName.rollbacksTotal){\(env)}[$__interval]))", "rollback {{environment}} ({{reason}})"),
                    ("sum by (from, to) (increase(\(MetricName.runnerFailoversTotal){\(env)}[$__interval]))", "failover {{from}} → {{to}}"),
                ],
                extra: ["interval": "1h", "fieldConfig": ["defaults": ["custom": ["drawStyle": "bars"]], "overrides": [] as [Any]]]
            ),
            panel(
                "timeseries", "Probe latency", "How long runner probes and checks took", x: 12, y: 22, w: 12, h: 8,
                targets: [
                    ("max by (runner) (\(MetricName.runnerProbeDuration))", "runner {{runner}}"),
                    ("max by (environment, check) (\(MetricName.checkDuration){\(env)})", "check {{environment}} / {{check}}"),
                ],
                extra: ["fieldConfig": ["defaults": ["unit": "s"], "overrides": [] as [Any]]]
            ),
            panel(
                "timeseries", "Failures by reason code", "Deployments that did not succeed, by reason code (docs/runbooks.md; gantry diagnose explains each)", x: 0, y: 30, w: 24, h: 8,
                targets: [("sum by (environment, code) (increase(\(MetricName.failuresTotal){\(env)}[$__interval])) > 0", "{{environment}}: {{code}}")],
                extra: ["interval": "1h", "fieldConfig": ["defaults": ["custom": ["drawStyle": "bars", "stacking": ["mode": "normal"]]], "overrides": [] as [Any]]]
            ),
        ]
    }
}
