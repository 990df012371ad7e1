import Foundation
import Testing

/// `gantry check` and deploy verification, against the nginx that `scripts/test` starts.
@Suite("gantry check and deploy verification", .serialized, .enabled(if: ProcessInfo.processInfo.environment["GANTRY_TEST_NGINX_URL"] != nil || ProcessInfo.processInfo.environment["CI"] == "true"))
struct CheckCommandTests {
    func nginx() throws -> String {
        try #require(ProcessInfo.processInfo.environment["GANTRY_TEST_NGINX_URL"], "GANTRY_TEST_NGINX_URL is not set: run scripts/test")
    }

    func config(deploy: String = "echo deployed", checks: String) -> String {
        """
        version: 1
        environments:
          production:
            targets: [127.0.0.1]
            deploy: { command: [/bin/sh, -c, \(jsonString(deploy))] }
            check_defaults: { timeout: 2s, retries: 1, interval: 100ms }
            checks:
        \(checks)
        """
    }

    @Test("check prints a table and exits 1 when a check fails; --only narrows it; --json is structured")
    func checkCommand() throws {
        let base = try nginx()
        let port = try #require(URLComponents(string: base)?.port)
        let project = try Project(config: config(checks: """
                  - { name: health, http: { url: "http://{host}:\(port)/health", expect_json: { status: UP } } }
                  - { name: down, http: { url: "\(base)/down" } }
                  - { name: status, nginx: { url: "\(base)/nginx_status" } }
            """))
        let all = try project.gantry("check", "production")
        #expect(all.status == 1, "\(all.output)")
        // Piped: a line per check as it finishes, then the verdict (no table).
        #expect(all.stdout.contains("pass health (127.0.0.1) (1 try, "), "\(all.stdout)")
        #expect(all.stdout.contains("HTTP 503, expected 2xx: Service Unavailable: maintenance window (after 2 attempts)"))
        #expect(all.stdout.contains("1 of 3 failed"))
        #expect(!project.exists(".gantry"), "check in a project that never deployed leaves no state store behind")

        let only = try project.gantry("check", "production", "--only", "health", "--only", "status")
        #expect(only.status == 0, "\(only.output)")
        #expect(only.stdout.contains("all 2 passed"))

        let report = try project.json("check", "production")
        #expect(report["passed"] as? Bool == false)
        let checks = try #require(report["checks"] as? [[String: Any]])
        #expect(checks.map { $0["name"] as? String } == ["health", "down", "status"])
        #expect(checks[0]["target"] as? String == "127.0.0.1")
        #expect(checks[1]["attempts"] as? Int == 2)

        let unknown = try project.gantry("check", "production", "--only", "nope")
        #expect(unknown.status == 2)
        #expect(unknown.stderr.contains("no check 'nope'"))
    }

    @Test("on GitHub Actions, check writes annotations and a step summary table")
    func checkOnGitHub() throws {
        let project = try Project(config: config(checks: "          - { name: down, http: { url: \"\(try nginx())/down\" } }"))
        let summary = project.directory.appendingPathComponent("summary.md").path
        let result = try project.gantry("check", "production", environment: ["GITHUB_ACTIONS": "true", "GITHUB_STEP_SUMMARY": summary])
        #expect(result.status == 1)
        #expect(result.stdout.contains("::error title=check down failed::HTTP 503"))
        let markdown = try String(contentsOfFile: summary, encoding: .utf8)
        #expect(markdown.contains("| down | — | FAIL |"))
    }

    @Test("a deploy whose checks fail ends failed, names the check, and keeps the last good release")
    func deployVerification() throws {
        let base = try nginx()
        let project = try Project(config: config(deploy: "echo $1 > wanted; true", checks: """
                  - { name: health, http: { url: "\(base)/health" } }
            """))
        #expect(try project.gantry("deploy", "production", "--release", "1.0").status == 0)
        try project.write("gantry.yml", config(checks: """
                  - { name: health, http: { url: "\(base)/health" } }
                  - { name: api, http: { url: "\(base)/down" } }
            """))
        let failed = try project.gantry("deploy", "production", "--release", "2.0")
        #expect(failed.status == 4, "\(failed.output)")
        #expect(failed.stdout.contains("failed verification: api: HTTP 503"))
        let status = try project.json("status")
        #expect((status["environments"] as? [[String: Any]])?.first?["current"] as? String == "1.0")
        let id = try #require(((try project.json("history", "production"))["deployments"] as? [[String: Any]])?.first?["id"] as? String)
        let shown = try project.gantry("show", id)
        #expect(shown.stdout.contains("checks"))
        #expect(shown.stdout.split(separator: "\n").contains { $0.hasPrefix("api ") && $0.contains(" FAIL ") })
        let journal = try #require((try project.json("show", id))["journal"] as? [[String: Any]])
        #expect(journal.filter { $0["kind"] as? String == "check_result" && $0["step"] as? String == "verify" }.count == 2)
    }

    @Test("a header secret read through ${VAR} is sent, and masked in every message")
    func headerSecret() throws {
        let project = try Project(config: config(checks: """
                  - { name: private, http: { url: "\(try nginx())/private", headers: { Authorization: "Bearer ${API_TOKEN}" }, expect_body: "not there" } }
            """))
        let result = try project.gantry("check", "production", environment: ["API_TOKEN": "token-123"])
        #expect(result.status == 1)
        #expect(result.stdout.contains("HTTP 200 but the body does not contain"))
        #expect(!result.output.contains("token-123"))
    }

    @Test("{host} checks and GANTRY_TARGETS follow the inventory; a broken inventory is exit 2 with its line")
    func inventoryTargets() throws {
        let port = try #require(URLComponents(string: try nginx())?.port)
        let project = try Project(config: """
            version: 1
            environments:
              production:
                inventory: inventories/hosts
                targets: [web]
                deploy: { command: [/bin/sh, -c, "echo targets=$GANTRY_TARGETS inventory=$GANTRY_INVENTORY"] }
                checks:
                  - { name: health, http: { url: "http://{host}:\(port)/health" } }
            """)
        try FileManager.default.createDirectory(at: project.directory.appendingPathComponent("inventories"), withIntermediateDirectories: true)
        try project.write("inventories/hosts", "[web]\nweb-1 ansible_host=127.0.0.1\nweb-2 ansible_host=127.0.0.1\n[db]\ndb-1\n")
        let check = try project.gantry("check", "production")
        #expect(check.status == 0, "\(check.output)")
        #expect(check.stdout.contains(" health (web-1) ("), "\(check.stdout)")
        #expect(check.stdout.contains(" health (web-2) ("), "\(check.stdout)")
        let deploy = try project.gantry("deploy", "production", "--release", "1.0")
        #expect(deploy.status == 0, "\(deploy.output)")
        #expect(deploy.stdout.contains("targets=web-1,web-2 inventory=\(project.directory.path)/inventories/hosts"))
        try project.write("inventories/hosts", "[web]\nweb-1 ansible_port=ssh\n")
        let broken = try project.gantry("check", "production")
        #expect(broken.status == 2)
        #expect(broken.stderr.contains("inventories/hosts:2: ansible_port must be a port number"))
    }
}
