import Foundation
import Testing

/// What commands print reaches the terminal and the journal whole and masked, whatever its
/// shape.
@Suite("output hygiene")
struct OutputHygieneTests {
    @Test("a line longer than 64 KiB does not kill the deploy; a secret that crosses a piece boundary stays masked")
    func longLineWithSecret() throws {
        let token = "qz7Vw9Kp2LmN4xR"
        let script = "head -c 65530 /dev/zero | tr '\\000' x; printf '%s' \"$DEPLOY_TOKEN\"; head -c 10000 /dev/zero | tr '\\000' y; echo; sleep 0.2; echo finished"
        let project = try Project(config: shellConfig(script, secrets: true))
        let result = try project.gantry("deploy", "production", "--release", "1.0", environment: ["DEPLOY_TOKEN": token])
        #expect(result.status == 0, "\(result.stderr)")
        #expect(result.stdout.contains("finished"))
        let id = try #require((try project.json("history", "production")["deployments"] as? [[String: Any]])?.first?["id"] as? String)
        let shown = try project.gantry("show", id)
        #expect(shown.stdout.contains("finished"))
        #expect(shown.stdout.contains("***"))
        for text in [result.output, shown.output, String(decoding: project.stateBytes(), as: UTF8.self)] {
            #expect(!text.contains(String(token.prefix(6))) && !text.contains(String(token.suffix(6))), "a part of the secret leaked")
        }
    }
}

/// `${VAR}` values: masked wherever they are read unless declared public, and never shell
/// syntax.
@Suite("variables in commands")
struct VariableHygieneTests {
    func config(_ command: String, extra: String = "") -> String {
        """
        version: 1
        \(extra)
        environments:
          production:
            deploy: { \(command) }
        """
    }

    @Test("a ${VAR} in a command's argv is masked in the terminal, in show and in the state file, without being listed as a secret")
    func argvVariableMasked() throws {
        let project = try Project(config: config(#"command: [/bin/sh, -c, 'echo ok $0', '${DEPLOY_TOKEN}']"#))
        let result = try project.gantry("deploy", "production", "--release", "1.0", environment: ["DEPLOY_TOKEN": "tok123secret"])
        #expect(result.status == 0, "\(result.output)")
        #expect(result.stdout.contains("ok ***"))
        let id = try #require((try project.json("history", "production")["deployments"] as? [[String: Any]])?.first?["id"] as? String)
        let shown = try project.gantry("show", id)
        for text in [result.output, shown.output, String(decoding: project.stateBytes(), as: UTF8.self)] {
            #expect(!text.contains("tok123secret"))
        }
    }

    @Test("a variable declared in public_variables is shown as it is")
    func publicVariable() throws {
        let project = try Project(config: config(#"command: [/bin/sh, -c, 'echo branch $0', '${BRANCH}']"#, extra: "public_variables: [BRANCH]"))
        let result = try project.gantry("deploy", "production", "--release", "1.0", environment: ["BRANCH": "feature-x"])
        #expect(result.status == 0, "\(result.output)")
        #expect(result.stdout.contains("branch feature-x"))
    }

    @Test("with shell: true a ${VAR} value is never shell syntax")
    func shellInjection() throws {
        let project = try Project(config: config(#"command: "echo built ${BRANCH}", shell: true"#, extra: "public_variables: [BRANCH]"))
        let result = try project.gantry("deploy", "production", "--release", "1.0", environment: ["BRANCH": "x; touch pwned"])
        #expect(result.status == 0, "\(result.output)")
        #expect(!project.exists("pwned"), "the variable's value ran as a command")
        #expect(result.stdout.contains("built x; touch pwned"))
    }

    @Test("terminal control sequences in command output are shown as text, live and in show")
    func controlSequences() throws {
        let project = try Project(config: config(#"command: [/usr/bin/printf, 'a\033[2Jb\033]52;c;ZXZpbA==\007c\033]8;;http://x\033\\link\n']"#))
        let result = try project.gantry("deploy", "production", "--release", "1.0")
        #expect(result.status == 0, "\(result.output)")
        let id = try #require((try project.json("history", "production")["deployments"] as? [[String: Any]])?.first?["id"] as? String)
        let shown = try project.gantry("show", id)
        for text in [result.stdout, shown.stdout] {
            #expect(text.contains(#"a\x1b[2Jb\x1b]52;c;ZXZpbA==\x07c\x1b]8;;http://x\x1b\link"#), "\(text)")
            #expect(!text.contains("\u{1b}]") && !text.contains("\u{07}"))
        }
    }
}

/// A whole `${VAR}` where a URL is expected: teams keep a connection string as one secret.
@Suite("whole-value variables in URL fields")
struct DeferredURLTests {
    let config = """
        version: 1
        state: "${DATABASE_URL}"
        environments:
          production:
            deploy: { command: ["true"] }
            checks:
              - { name: db, postgres: { url: "${CHECK_DB_URL}" }, timeout: 1s, retries: 0 }
        """

    @Test("state and a check URL as a whole ${VAR}: validate names them, a good value works")
    func accepted() throws {
        let project = try Project(config: config)
        let validate = try project.gantry("validate")
        #expect(validate.status == 0, "\(validate.output)")
        #expect(validate.stdout.contains("state is ${DATABASE_URL}: checked when it is read"))
        let database = try #require(ProcessInfo.processInfo.environment["GANTRY_TEST_POSTGRES_URL"] ?? (ProcessInfo.processInfo.environment["CI"] == "true" ? nil : "postgres://127.0.0.1:1/none"))
        let deploy = try project.gantry("deploy", "production", "--release", "1.0", environment: ["DATABASE_URL": "sqlite:shared/state.db", "CHECK_DB_URL": database])
        #expect(deploy.status == (ProcessInfo.processInfo.environment["GANTRY_TEST_POSTGRES_URL"] == nil ? 4 : 0), "\(deploy.output)")
        #expect(project.exists("shared/state.db"))
        let status = try project.json("status", environment: ["DATABASE_URL": "sqlite:shared/state.db"])
        #expect((status["environments"] as? [[String: Any]])?.first?["environment"] as? String == "production")
    }

    @Test("a value of the wrong form is exit 2 naming the field and the variable, the value masked, nothing changed")
    func refused() throws {
        let project = try Project(config: config)
        let environment = ["DATABASE_URL": "mysql://app:hunter2pw@db/app", "CHECK_DB_URL": "http://not-postgres/x"]
        let result = try project.gantry("deploy", "production", "--release", "1.0", environment: environment)
        #expect(result.status == 2, "\(result.output)")
        #expect(result.stderr.contains("state: ${DATABASE_URL} holds ***"), "\(result.stderr)")
        #expect(result.stderr.contains("environments.production.checks[0].postgres.url: ${CHECK_DB_URL} holds ***"), "\(result.stderr)")
        #expect(!result.output.contains("hunter2pw") && !result.output.contains("mysql") && !result.output.contains("not-postgres"))
        #expect(!project.exists(".gantry"))
        let validate = try project.gantry("validate", environment: environment)
        #expect(validate.status == 0, "validate needs no values: \(validate.output)")
    }
}
