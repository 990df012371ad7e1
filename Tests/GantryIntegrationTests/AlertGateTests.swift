import Foundation
import GantryTestSupport
import Testing

/// The incident gate against a real Alertmanager (Debian prometheus-alertmanager, started by
/// scripts/test), with alerts and silences posted through its API v2.
@Suite("the incident gate: protect.alertmanager", .enabled(if: AlertmanagerForTests.available))
struct AlertGateTests {
    func post(_ path: String, _ body: Any) throws {
        let url = try #require(AlertmanagerForTests.url, "GANTRY_TEST_ALERTMANAGER_URL is not set: scripts/test starts Alertmanager")
        let data = try JSONSerialization.data(withJSONObject: body)
        let result = try Tool.run(["/usr/bin/curl", "-sf", "-XPOST", "-H", "Content-Type: application/json", "--data-binary", String(decoding: data, as: UTF8.self), url + path])
        try #require(result.status == 0, "POST \(path): \(result.output)")
    }

    func project(_ scope: String, onUnreachable: String = "block", url: String = "${AM_URL}") throws -> Project {
        try Project(config: """
            version: 1
            environments:
              production:
                deploy: { command: [/bin/sh, -c, 'echo "$0" > live.txt', "{release}"] }
                protect:
                  alertmanager: { url: "\(url)", matchers: ['severity="critical"', 'scope="\(scope)"'], on_unreachable: \(onUnreachable), timeout: 2s }
            """)
    }

    @Test("a matching active alert refuses the deploy (exit 3, active_alerts, naming it); a silence or a non-matching alert lets it through")
    func activeAlerts() throws {
        let url = try #require(AlertmanagerForTests.url)
        let scope = "gate-\(UUID().uuidString.prefix(8))"
        let project = try project(scope)
        let environment = ["AM_URL": url]
        try post("/api/v2/alerts", [["labels": ["alertname": "HighErrorRate", "severity": "critical", "scope": scope], "annotations": ["summary": "5xx above 5%"]]])
        try post("/api/v2/alerts", [["labels": ["alertname": "DiskWillFill", "severity": "warning", "scope": scope]]])
        let refused = try project.gantry("deploy", "production", "--release", "1.0", environment: environment)
        #expect(refused.status == 3, "\(refused.output)")
        #expect(refused.output.contains("1 active alert matching") && refused.output.contains("HighErrorRate (5xx above 5%)"), "\(refused.output)")
        #expect(!refused.output.contains("DiskWillFill"), "a warning does not match severity=\"critical\"")
        #expect(!project.exists("live.txt"), "nothing was deployed")
        let recorded = try #require((try project.json("history", "production", environment: environment)["deployments"] as? [[String: Any]])?.first)
        #expect(recorded["reason_code"] as? String == "active_alerts")

        let now = Date()
        let format = ISO8601DateFormatter()
        try post("/api/v2/silences", [
            "matchers": [["name": "scope", "value": scope, "isRegex": false, "isEqual": true], ["name": "alertname", "value": "HighErrorRate", "isRegex": false, "isEqual": true]],
            "startsAt": format.string(from: now.addingTimeInterval(-5)), "endsAt": format.string(from: now.addingTimeInterval(600)),
            "createdBy": "gantry tests", "comment": "the deploy fixes it",
        ])
        var deployed = try project.gantry("deploy", "production", "--release", "1.0", environment: environment)
        for _ in 0..<20 where deployed.status == 3 {
            // Alertmanager applies a new silence on its next evaluation.
            Thread.sleep(forTimeInterval: 0.25)
            deployed = try project.gantry("deploy", "production", "--release", "1.0", environment: environment)
        }
        #expect(deployed.status == 0, "a silenced alert does not block: \(deployed.output)")
        #expect(project.read("live.txt") == "1.0\n")
        let unmatched = try project.gantry("deploy", "production", "--release", "1.1", environment: environment)
        #expect(unmatched.status == 0, "the warning alert still firing does not match: \(unmatched.output)")
    }

    @Test("Alertmanager unreachable: on_unreachable block refuses (alert_gate_unreachable), allow deploys with a note")
    func unreachable() throws {
        let closed = "http://127.0.0.1:\(try closedPort())"
        let blocked = try project("none", url: closed)
        let refused = try blocked.gantry("deploy", "production", "--release", "1.0")
        #expect(refused.status == 3, "\(refused.output)")
        #expect(refused.output.contains("Alertmanager could not be asked for active alerts"))
        let recorded = try #require((try blocked.json("history", "production")["deployments"] as? [[String: Any]])?.first)
        #expect(recorded["reason_code"] as? String == "alert_gate_unreachable")

        let allowed = try project("none", onUnreachable: "allow", url: closed)
        let deployed = try allowed.gantry("deploy", "production", "--release", "1.0")
        #expect(deployed.status == 0, "\(deployed.output)")
        let id = try #require((try allowed.json("history", "production")["deployments"] as? [[String: Any]])?.first?["id"] as? String)
        let journal = try #require(try allowed.json("show", id)["journal"] as? [[String: Any]])
        #expect(journal.contains { ($0["message"] as? String)?.contains("on_unreachable: allow, so the deploy goes on") == true })
    }

    @Test("an alert that fires mid-rollout stops it: the batches deployed so far are rolled back (active_alerts)")
    func alertMidRollout() throws {
        let url = try #require(AlertmanagerForTests.url)
        let scope = "rollout-\(UUID().uuidString.prefix(8))"
        // The second batch's deploy sets the alert off, as a release that breaks things would.
        let alert = "[{\"labels\": {\"alertname\": \"HighErrorRate\", \"severity\": \"critical\", \"scope\": \"\(scope)\"}}]"
        let script = """
            echo "$0 $1 $2" >> commands.log
            case "$0,$1,$2" in deploy,2.0,*web-b*) curl -sf -XPOST -H 'Content-Type: application/json' --data-binary "$ALERT" "$AM_URL/api/v2/alerts";; esac
            """
        let project = try Project(config: """
            version: 1
            environments:
              production:
                targets: [web-a, web-b, web-c, web-d]
                deploy: { command: [/bin/sh, -c, \(jsonString(script)), deploy, "{release}", "{targets}"] }
                rollback: { command: [/bin/sh, -c, \(jsonString(script)), rollback, "{release}", "{targets}"] }
                rollout: { batches: [1, 2, "100%"] }
                protect:
                  alertmanager: { url: "${AM_URL}", matchers: ['severity="critical"', 'scope="\(scope)"'], timeout: 2s }
            """)
        let environment = ["AM_URL": url, "ALERT": alert]
        try #require(try project.gantry("deploy", "production", "--release", "1.0", environment: environment).status == 0)
        try FileManager.default.removeItem(at: project.directory.appendingPathComponent("commands.log"))
        let result = try project.gantry("deploy", "production", "--release", "2.0", environment: environment)
        #expect(result.status == 1, "\(result.output)")
        #expect(project.read("commands.log") == "deploy 2.0 web-a\ndeploy 2.0 web-b\nrollback 1.0 web-a,web-b\n")
        #expect(result.output.contains("HighErrorRate") && result.output.contains("(batch 2/3)"), "\(result.output)")
        let recorded = try #require((try project.json("history", "production", environment: environment)["deployments"] as? [[String: Any]])?.first)
        #expect(recorded["outcome"] as? String == "rolled_back")
        #expect(recorded["reason_code"] as? String == "active_alerts")
    }

    @Test("bad gate configs are exit 2 with where and why")
    func badConfig() throws {
        let project = try Project(config: """
            version: 1
            environments:
              production:
                deploy: { command: ["true"] }
                protect:
                  alertmanager: { url: "alertmanager:9093", matchers: ['severity=critical'], on_unreachable: maybe }
            """)
        let result = try project.gantry("validate")
        #expect(result.status == 2)
        #expect(result.stderr.contains("protect.alertmanager.url: 'alertmanager:9093' does not start with http:// or https://"), "\(result.stderr)")
        #expect(result.stderr.contains("protect.alertmanager.matchers[0]: 'severity=critical' is not a label matcher"))
        #expect(result.stderr.contains("protect.alertmanager.on_unreachable: 'maybe' is not block or allow"))
    }
}

/// Alertmanager from scripts/test (under CI=true it must be there).
enum AlertmanagerForTests {
    static var url: String? { ProcessInfo.processInfo.environment["GANTRY_TEST_ALERTMANAGER_URL"] }
    static var available: Bool { url != nil || ProcessInfo.processInfo.environment["CI"] == "true" }
}
