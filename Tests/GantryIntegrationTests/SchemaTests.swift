import Foundation
import Testing

/// check-jsonschema from PyPI, installed by scripts/test (under CI=true it must be there).
enum SchemaValidator {
    static var path: String? { ProcessInfo.processInfo.environment["GANTRY_TEST_CHECK_JSONSCHEMA"] }
    static var available: Bool { path != nil || ProcessInfo.processInfo.environment["CI"] == "true" }
}

/// The JSON Schema of gantry.yml, judged by a real validator: every config gantry accepts
/// passes it, unknown keys fail it as they fail gantry, and validate --json lists errors one
/// by one with their place.
@Suite("gantry.yml's JSON Schema and structured validation errors")
struct SchemaTests {
    /// Every key the parser knows, at every level, in a config `gantry validate` accepts.
    static let everything = """
        version: 1
        state: sqlite:.gantry/state.db
        public_variables: [BRANCH]
        metrics: { textfile: /var/lib/node_exporter/textfile/gantry.prom }
        serve:
          listen: 127.0.0.1:9464
          token_env: GANTRY_SERVE_TOKEN
          require_token: false
          runner_interval: 15s
          check_interval: 30s
          store_interval: 5s
          unhealthy_after: 2
          healthy_after: 2
          idle_timeout: 30s
          max_connections: 512
        runners:
          - name: primary
            labels: [self-hosted, production, primary]
            priority: 1
            require: all
            diag: /home/runner/actions-runner/_diag
            health:
              - prometheus: { url: "http://127.0.0.1:9090", query: 'up{job="runner"}', equals: 1, timeout: 500ms }
              - http: { url: "http://127.0.0.1:9102/healthz", timeout: 1s }
          - name: secondary
            labels: [self-hosted, production, secondary]
            priority: 2
            require: any
            health:
              - github: { repo: acme/app, runner: secondary-01, token_env: GH_TOKEN, api_url: "https://api.github.com", timeout: 2s }
              - local: { min_free_disk: 2GiB, path: /, min_available_memory: 512MiB, tools: [sh], timeout: 1s }
        environments:
          production:
            inventory: inventory.ini
            targets: [web]
            secrets: [DEPLOY_TOKEN]
            public_variables: [RELEASE_NOTES_URL]
            deploy:
              command: [ansible-playbook, -i, "{inventory}", deploy.yml, -e, "release={release}", --limit, "{targets}"]
              timeout: 15m
              grace: 30s
              env: { ANSIBLE_FORCE_COLOR: "0" }
            rollback: { command: "ansible-playbook -i {inventory} rollback.yml -e release={release}", shell: true, timeout: 10m }
            verify_timeout: 2m
            check_concurrency: 32
            check_defaults: { timeout: 5s, retries: 3, interval: 2s, start_period: 10s }
            retry: { attempts: 3, backoff: 5s, max_backoff: 1m, jitter: 0.2, retry_on: [timeout, "exit:4"] }
            lock: { lease: 30s, supersede: true }
            on_interrupt: rollback
            preflight: { reachable_port: 22, tools: [ansible-playbook], min_free_disk: 10%, timeout: 3s, require_rollback: true }
            protect:
              freeze_windows: ["Fri 16:00-Mon 08:00 Europe/Berlin"]
              circuit_breaker: 3
              lock_after_rollback: true
              alertmanager: { url: "http://127.0.0.1:9093", matchers: ['severity="critical"', 'env=~"prod.*"'], on_unreachable: allow, timeout: 3s }
            checks:
              - { name: web, http: { url: "https://{host}/health", method: GET, expect_status: [200, 204], expect_body: ok, expect_json: { status: up }, headers: { Authorization: "Bearer ${DEPLOY_TOKEN}" }, ca_file: ca.pem, insecure: false, follow_redirects: true }, timeout: 3s, retries: 5, interval: 1s, start_period: 5s }
              - { name: ssh, tcp: { host: "{host}", port: 22 } }
              - { name: db, postgres: { url: "postgres://app:${DB_PASSWORD}@db.internal/app", query: "SELECT 1", tls: false } }
              - { name: cache, redis: { host: cache.internal, port: 6379, username: app, password: "${REDIS_PASSWORD}" } }
              - { name: nginx, nginx: { url: "http://{host}/nginx_status", max_active: 2000, fail_on_dropped: true } }
              - { name: errors, prometheus: { url: "http://127.0.0.1:9090", query: 'sum(rate(http_errors_total[5m]))', max: 0.5, on_no_data: fail } }
              - { name: disk, disk: { path: /, min_free: 10%, min_free_inodes: 5% } }
              - { name: memory, memory: { min_available: 256MiB } }
              - { name: smoke, command: { command: [./smoke.sh, "{release}"], timeout: 30s } }
          staging:
            deploy: { command: ["true"] }
        """

    func validator() throws -> String {
        try #require(SchemaValidator.path, "GANTRY_TEST_CHECK_JSONSCHEMA is not set: scripts/test installs check-jsonschema from PyPI")
    }

    @Test("every example config, the init example and a config with every key pass the schema; unknown keys fail it", .enabled(if: SchemaValidator.available))
    func examples() throws {
        let validator = try validator()
        let project = try Project(config: Self.everything)
        try project.write("inventory.ini", "[web]\nweb-1\n")
        let valid = try project.gantry("validate")
        try #require(valid.status == 0, "the kitchen-sink config must be valid for gantry: \(valid.output)")
        let schema = try project.gantry("schema")
        #expect(schema.status == 0)
        try project.write("gantry.schema.json", schema.stdout)
        let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
        let fresh = try Project(config: "")
        try FileManager.default.removeItem(at: fresh.directory.appendingPathComponent("gantry.yml"))
        #expect(try fresh.gantry("init").status == 0)
        #expect(fresh.read("gantry.yml")?.hasPrefix("# yaml-language-server: $schema=gantry.schema.json\n") == true)
        #expect(fresh.read("gantry.schema.json") == schema.stdout, "init writes the same schema 'gantry schema' prints")
        let configs = [
            project.directory.appendingPathComponent("gantry.yml").path, fresh.directory.appendingPathComponent("gantry.yml").path,
            root.appendingPathComponent("examples/demo/gantry.yml").path, root.appendingPathComponent("examples/github/gantry.yml").path,
            root.appendingPathComponent("examples/ansible/gantry.yml").path,
        ]
        let passed = try Tool.run([validator, "--schemafile", "gantry.schema.json"] + configs, in: project.directory)
        #expect(passed.status == 0, "\(passed.output)")

        for (name, text) in [
            ("top.yml", Self.everything.replacingOccurrences(of: "version: 1\n", with: "version: 1\nverison: 1\n")),
            ("environment.yml", Self.everything.replacingOccurrences(of: "    verify_timeout: 2m", with: "    verify_timeout: 2m\n    verfy_timeout: 2m")),
            ("check.yml", Self.everything.replacingOccurrences(of: "max_active: 2000,", with: "max_active: 2000, max_actve: 1,")),
        ] {
            try project.write(name, text)
            let failed = try Tool.run([validator, "--schemafile", "gantry.schema.json", name], in: project.directory)
            #expect(failed.status == 1 && failed.output.contains("Additional properties are not allowed"), "\(name): \(failed.output)")
            let gantry = try project.gantry("validate", "-c", name)
            #expect(gantry.status == 2, "gantry agrees the key is unknown: \(gantry.output)")
        }
    }

    @Test("the JSON documents match their published schemas (docs/schemas): deploy and rollback results, status (free, held by hand, held by a deploy), the hand-change commands", .enabled(if: SchemaValidator.available))
    func outputDocuments() throws {
        let validator = try validator()
        let schemas = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
            .appendingPathComponent("docs/schemas")
        let script = "case $1 in *slow*) echo $$ > slow.pid; while [ ! -e go ]; do sleep 0.1; done;; *bad*) exit 3;; esac; echo deployed $1"
        let project = try Project(config: shellConfig(script) + "\n    rollback: { command: [/bin/sh, -c, 'echo back to $0', '{release}'] }\n")
        var documents: [(schema: String, text: String)] = []
        func capture(_ schema: String, _ arguments: String...) throws {
            let result = try GantryBinary.run(arguments + ["--json"], in: project.directory)
            documents.append((schema, result.stdout))
        }
        try capture("status", "status")
        try capture("deploy-result", "deploy", "production", "--release", "1.0")
        try capture("deploy-result", "deploy", "production", "--release", "2.0-bad")
        try capture("deploy-result", "deploy", "production", "--release", "2.0")
        try capture("deploy-result", "deploy", "production", "--release", "2.0")
        try capture("deploy-result", "rollback", "production")
        try capture("action-result", "lock", "production", "--reason", "db maintenance")
        try capture("status", "status")
        try capture("deploy-result", "deploy", "production", "--release", "3.0")
        try capture("action-result", "unlock", "production")
        try capture("action-result", "freeze", "production", "--reason", "release week")
        try capture("action-result", "unfreeze", "production")
        let running = try GantryBinary.start(["deploy", "production", "--release", "4.0-slow"], in: project.directory)
        let deadline = Date().addingTimeInterval(10)
        while !project.exists("slow.pid"), Date() < deadline { Thread.sleep(forTimeInterval: 0.05) }
        try capture("status", "status")
        try project.write("go", "")
        #expect(running.wait().status == 0)
        for (index, document) in documents.enumerated() {
            let name = "document-\(index).json"
            try project.write(name, document.text)
            let checked = try Tool.run([validator, "--schemafile", schemas.appendingPathComponent("\(document.schema).schema.json").path, name], in: project.directory)
            #expect(checked.status == 0, "\(document.schema): \(document.text)\n\(checked.output)")
        }
        let outcomes = documents.filter { $0.schema == "deploy-result" }.compactMap { (try? JSONSerialization.jsonObject(with: Data($0.text.utf8)) as? [String: Any])?["outcome"] as? String }
        #expect(Set(outcomes) == ["succeeded", "rolled_back", "skipped", "refused"], "\(outcomes)")
    }

    @Test("validate --json lists each error with file, line, column, key path, message and hint")
    func structuredErrors() throws {
        let project = try Project(config: """
            version: 1
            environments:
              production:
                deploy: { command: "make deploy" }
                lock: { lease: 1s }
            """)
        let result = try project.gantry("validate", "--json")
        #expect(result.status == 2)
        let object = try #require(try JSONSerialization.jsonObject(with: Data(result.stdout.utf8)) as? [String: Any], "\(result.output)")
        #expect(object["valid"] as? Bool == false)
        let errors = try #require(object["errors"] as? [[String: Any]])
        #expect(errors.count == 2, "\(errors)")
        let command = try #require(errors.first { ($0["key_path"] as? String) == "environments.production.deploy.command" })
        #expect(command["file"] as? String == "gantry.yml")
        #expect(command["line"] as? Int == 4 && command["column"] as? Int == 24, "\(command)")
        #expect((command["message"] as? String)?.contains("single string") == true)
        #expect((command["hint"] as? String)?.contains("set shell: true") == true)
        let lease = try #require(errors.first { ($0["key_path"] as? String) == "environments.production.lock.lease" })
        #expect(lease["message"] as? String == "must be at least 3s")
        let missing = try GantryBinary.run(["validate", "--json", "-c", "nope.yml"], in: project.directory)
        let nothing = try #require(try JSONSerialization.jsonObject(with: Data(missing.stdout.utf8)) as? [String: Any])
        #expect((nothing["errors"] as? [[String: Any]])?.first?["file"] as? String == "nope.yml")
    }
}

@Suite("gantry config ENV")
struct ResolvedConfigTests {
    @Test("the resolved environment: defaults filled in, paths absolute, secret values masked")
    func resolved() throws {
        let project = try Project(config: """
            version: 1
            environments:
              production:
                inventory: hosts.ini
                secrets: [DEPLOY_TOKEN]
                deploy: { command: [./deploy.sh, "{release}"], env: { COPY: "abc-secret-1" } }
                checks:
                  - { name: web, http: { url: "http://{host}/health" }, retries: 1 }
            """)
        let result = try project.gantry("config", "production", "--json", environment: ["DEPLOY_TOKEN": "abc-secret-1"])
        #expect(result.status == 0, "\(result.output)")
        #expect(!result.output.contains("abc-secret-1"))
        let tree = try #require(try JSONSerialization.jsonObject(with: Data(result.stdout.utf8)) as? [String: Any])
        #expect((tree["inventory"] as? String)?.hasSuffix("/hosts.ini") == true && (tree["inventory"] as? String)?.hasPrefix("/") == true)
        #expect((tree["state"] as? String)?.hasPrefix("sqlite:/") == true, "\(tree["state"] ?? "")")
        let deploy = try #require(tree["deploy"] as? [String: Any])
        #expect(deploy["timeout"] as? String != nil && deploy["grace"] as? String != nil, "defaults filled in: \(deploy)")
        #expect((deploy["env"] as? [String: String])?["COPY"] == "***")
        #expect(tree["rollback"] as? String == "none: a failed deploy cannot be rolled back automatically")
        #expect((tree["lock"] as? [String: Any])?["lease"] != nil)
        let check = try #require((tree["checks"] as? [[String: Any]])?.first)
        #expect((check["timing"] as? [String: Any])?["retries"] as? Int == 1)
        #expect((check["timing"] as? [String: Any])?["timeout"] != nil, "the check's timing is merged over the defaults")
        #expect(((check["http"] as? [String: Any])?["url"] as? String) == "http://{host}/health")
        let yaml = try project.gantry("config", "production", environment: ["DEPLOY_TOKEN": "abc-secret-1"])
        #expect(yaml.status == 0 && yaml.stdout.contains("on_interrupt: rollback") && !yaml.stdout.contains("abc-secret-1"), "\(yaml.output)")
        #expect(try project.gantry("config", "nope").status == 2)
    }
}
