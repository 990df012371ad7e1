import GantryCore
import Testing

@Suite("configuration")
struct ConfigParserTests {
    func parse(_ text: String) throws -> GantryConfig {
        try ConfigParser.parse(text: text, file: "gantry.yml", directory: "/srv/app")
    }

    func issues(_ text: String) -> [ConfigIssue] {
        do {
            _ = try parse(text)
            return []
        } catch let error as ConfigError {
            return error.issues
        } catch {
            return []
        }
    }

    let minimal = """
        version: 1
        environments:
          production:
            deploy: { command: [./deploy.sh, "{release}"] }
        """

    @Test("a minimal file parses with defaults")
    func minimalParses() throws {
        let config = try parse(minimal)
        #expect(config.version == 1)
        #expect(config.state == GantryConfig.defaultState)
        #expect(config.directory == "/srv/app")
        let production = try #require(config.environment("production"))
        #expect(production.deploy.argv == ["./deploy.sh", "{release}"])
        #expect(production.deploy.timeout == CommandConfig.defaultTimeout)
        #expect(production.deploy.shell == false)
        #expect(production.rollback == nil)
    }

    @Test("the example written by init is valid")
    func exampleIsValid() throws {
        let config = try parse(ExampleConfig.text)
        let production = try #require(config.environment("production"))
        #expect(production.secrets == ["DEPLOY_TOKEN"])
        #expect(production.deploy.timeout == .seconds(900))
        #expect(production.checks.map(\.name) == ["web", "disk"])
        #expect(production.checks[0].timing.retries == 3)
    }

    @Test("an unknown key is an error with its position and a suggestion")
    func unknownKey() {
        let found = issues("""
            version: 1
            environments:
              production:
                deploy: { command: [true], tiemout: 5m }
            """)
        #expect(found.count == 1)
        let issue = found[0]
        #expect(issue.keyPath == "environments.production.deploy.tiemout")
        #expect(issue.position == SourcePosition(line: 4, column: 32))
        #expect(issue.message == "unknown key")
        #expect(issue.hint?.contains("did you mean 'timeout'") == true)
        #expect(issue.description.hasPrefix("gantry.yml:4:32: environments.production.deploy.tiemout: unknown key"))
    }

    @Test("every error is reported at once")
    func allErrorsAtOnce() {
        let found = issues("""
            version: 1
            environments:
              production:
                deploy: { command: [], timeout: 5x }
                secrets: [GOOD_NAME, "not a name"]
              staging:
                deploy: { command: "make deploy" }
                checks:
                  - { name: a, http: { url: "http://x/" }, tcp: { host: x, port: 1 } }
                  - { name: b, disk: { min_free: lots } }
            """)
        let paths = found.map(\.keyPath)
        #expect(paths.contains("environments.production.deploy.timeout"))
        #expect(paths.contains("environments.production.deploy.command"))
        #expect(paths.contains("environments.production.secrets[1]"))
        #expect(paths.contains("environments.staging.deploy.command"))
        #expect(paths.contains("environments.staging.checks[0]"))
        #expect(paths.contains("environments.staging.checks[1].disk.min_free"))
        #expect(found.allSatisfy { $0.position != nil })
        #expect(found.first { $0.keyPath.hasSuffix("deploy.timeout") }?.message == "'5x' is not a duration")
    }

    @Test("wrong types name what was expected", arguments: [
        ("version: one", "version", "expected a whole number"),
        ("version: 1\nenvironments: [a]", "environments", "expected a mapping"),
        ("version: 1\nenvironments:\n  p:\n    deploy: { command: [x], shell: yes }", "environments.p.deploy.shell", "expected true or false"),
        ("version: 2\nenvironments:\n  p:\n    deploy: { command: [x] }", "version", "version 2 is not supported"),
    ])
    func wrongTypes(text: String, path: String, message: String) {
        let found = issues(text)
        #expect(found.contains { $0.keyPath == path && $0.message.hasPrefix(message) }, "\(found)")
    }

    @Test("YAML syntax errors carry their position")
    func syntaxError() {
        let found = issues("version: 1\nenvironments:\n  p: [unclosed\n")
        #expect(found.count == 1)
        #expect(found[0].position != nil)
        #expect(found[0].message.hasPrefix("is not valid YAML"))
    }

    @Test("a required deploy command is required")
    func missingDeploy() {
        let found = issues("version: 1\nenvironments:\n  p:\n    secrets: [A]\n")
        #expect(found.contains { $0.keyPath == "environments.p.deploy" && $0.message == "is required but missing" })
    }

    @Test("keys that belong to later features say so")
    func notYetSupported() {
        let found = issues("version: 1\nenvironments:\n  p:\n    deploy: { command: [x] }\n    verify_on_skip: true\n")
        #expect(found.first?.message == "is not supported by this version of gantry")
    }

    @Test("invalid environment names are refused")
    func environmentName() {
        let found = issues("version: 1\nenvironments:\n  \"prod env\":\n    deploy: { command: [x] }\n")
        #expect(found.first?.message.contains("not a valid environment name") == true)
    }

    @Test("checks: exactly one kind, defaults merged, durations and sizes parsed")
    func checks() throws {
        let config = try parse("""
            version: 1
            environments:
              p:
                deploy: { command: [x] }
                check_defaults: { timeout: 2s, retries: 4 }
                checks:
                  - { name: api, http: { url: "http://{host}:8080/h", expect_status: [200, 204], headers: { Authorization: "Bearer ${API_TOKEN}" } }, retries: 1 }
                  - { name: db, postgres: { url: "postgres://health:${PGPASS}@db/app" } }
                  - { name: mem, memory: { min_available: 512MiB } }
                  - { name: disk, disk: { min_free: 10% } }
            """)
        let p = try #require(config.environment("p"))
        #expect(p.checks[0].timing == CheckTiming(timeout: .seconds(2), retries: 1, interval: .seconds(2), startPeriod: .zero))
        #expect(p.checks[1].timing.retries == 4)
        guard case .http(let http) = p.checks[0].probe else { Issue.record("not http"); return }
        #expect(http.expectStatus == [200, 204])
        guard case .memory(let memory) = p.checks[2].probe else { Issue.record("not memory"); return }
        #expect(memory.minAvailable == .bytes(512 * 1024 * 1024))
        guard case .disk(let disk) = p.checks[3].probe else { Issue.record("not disk"); return }
        #expect(disk.minFree == .percent(10))
        #expect(p.credentialVariables == ["API_TOKEN", "PGPASS"])
    }

    @Test("a password written into the file is refused")
    func literalPassword() {
        let found = issues("""
            version: 1
            environments:
              p:
                deploy: { command: [x] }
                checks: [ { name: cache, redis: { host: c, password: hunter2 } } ]
            """)
        #expect(found.contains { $0.keyPath == "environments.p.checks[0].redis.password" })
    }

    @Test("bad ${VAR} syntax is an error")
    func badInterpolation() {
        let found = issues("version: 1\nenvironments:\n  p:\n    deploy: { command: [x, \"${UNCLOSED\"] }\n")
        #expect(found.first?.keyPath == "environments.p.deploy.command[1]")
    }

    @Test("an empty file says how to start")
    func emptyFile() {
        let found = issues("")
        #expect(found.first?.hint?.contains("gantry init") == true)
    }
}
