import Foundation
import GantryCore
import GantryTelemetry
import Testing

@Suite("generated dashboard and alert rules")
struct GeneratedMonitoringTests {
    static let names = [
        MetricName.deploymentsTotal, MetricName.deploymentDuration, MetricName.deploymentInProgress, MetricName.lastDeploymentTimestamp,
        MetricName.releaseInfo, MetricName.rollbacksTotal, MetricName.runnerUp, MetricName.runnerProbeDuration, MetricName.runnerFailoversTotal,
        MetricName.checkUp, MetricName.checkDuration, MetricName.lockHeld, MetricName.lockWait, MetricName.buildInfo, MetricName.failuresTotal,
        MetricName.breakGlassTotal,
    ]

    /// Every `gantry_…` identifier in a PromQL expression (histogram suffixes stripped).
    static func metrics(in expression: String) -> Set<String> {
        Set(expression.matches(of: /gantry_[a-z_]+/).map { match in
            var name = String(match.output)
            for suffix in ["_bucket", "_sum", "_count"] where name.hasSuffix(suffix) && !names.contains(name) { name = String(name.dropLast(suffix.count)) }
            return name
        })
    }

    @Test("panels fit the 24-column grid without overlapping, use the data source variable, and query only emitted metrics")
    func dashboardPanels() throws {
        let panels = try #require(GrafanaDashboard.model()["panels"] as? [[String: Any]])
        #expect(panels.count >= 8)
        var cells = Set<[Int]>()
        for panel in panels {
            let grid = try #require(panel["gridPos"] as? [String: Int])
            let (x, y, w, h) = (grid["x"]!, grid["y"]!, grid["w"]!, grid["h"]!)
            #expect(x >= 0 && w > 0 && x + w <= 24, "\(panel["title"] ?? "") leaves the grid")
            for column in x..<(x + w) {
                for row in y..<(y + h) {
                    #expect(cells.insert([column, row]).inserted, "\(panel["title"] ?? "") overlaps another panel")
                }
            }
            #expect((panel["datasource"] as? [String: String])?["uid"] == "${datasource}")
            for target in try #require(panel["targets"] as? [[String: Any]]) {
                let expression = try #require(target["expr"] as? String)
                let unknown = Self.metrics(in: expression).subtracting(Self.names)
                #expect(unknown.isEmpty, "\(expression) uses \(unknown)")
            }
        }
        let titles = panels.compactMap { $0["title"] as? String }
        for wanted in ["Runner health", "Deployment outcomes", "Deployment duration p50 / p95", "Current release", "Check status", "Rollbacks and failovers", "Lock held", "Deploy in progress"] {
            #expect(titles.contains(wanted))
        }
    }

    @Test("every alert uses emitted metrics and links its runbook; stuck thresholds follow the config's timeouts")
    func alerts() throws {
        let production = EnvironmentConfig(name: "production", deploy: CommandConfig(argv: ["true"], timeout: .seconds(900)), verifyTimeout: .seconds(120))
        #expect(AlertRules.stuckAfter(production) == .seconds(900 + 120 + 300))
        let text = AlertRules(runbookBase: "https://wiki/runbooks", job: "gantry", stuckAfter: [("production", AlertRules.stuckAfter(production))]).render()
        #expect(text.contains("for: 22m"))
        for expression in text.matches(of: /expr: (.*)/).map({ String($0.output.1) }) {
            #expect(Self.metrics(in: expression).subtracting(Self.names).isEmpty, "\(expression)")
        }
        let runbooks = try String(contentsOf: URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent().appendingPathComponent("docs/runbooks.md"), encoding: .utf8)
        for alert in text.matches(of: /alert: (\w+)/).map({ String($0.output.1) }) {
            #expect(text.contains("runbook_url: https://wiki/runbooks#\(alert.lowercased())"))
            #expect(runbooks.contains("### \(alert)\n"), "docs/runbooks.md has no section for \(alert)")
            #expect(AlertRunbook.all.contains { $0.alert == alert }, "no runbook entry for \(alert)")
        }
        let alerts = Set(text.matches(of: /alert: (\w+)/).map { String($0.output.1) })
        #expect(Set(AlertRunbook.all.map(\.alert)) == alerts, "runbook entries for alerts that do not exist")
    }

    @Test("docs/runbooks.md is what 'gantry monitoring runbook' prints, with a section for every reason code")
    func runbookFile() throws {
        let file = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent().appendingPathComponent("docs/runbooks.md")
        let checkedIn = try String(contentsOf: file, encoding: .utf8)
        #expect(checkedIn == RunbookDocument.markdown() + "\n", "docs/runbooks.md is stale: run 'gantry monitoring runbook > docs/runbooks.md'")
        for code in ReasonCode.allCases {
            #expect(checkedIn.contains("\n#### \(code.rawValue)\n"), "no section for \(code.rawValue)")
        }
    }
}
