import Foundation
import Testing

/// Global options before the command as well as after it, and `--color`.
@Suite("global options and colour")
struct GlobalOptionsTests {
    @Test("-c, --state, -q, -v and --color work before the command, after it, and with = spellings")
    func placement() throws {
        let project = try Project(config: "version: 1\nenvironments:\n  other-name: { deploy: { command: [\"true\"] } }\n")
        try project.write("prod.yml", "version: 1\nenvironments:\n  production: { deploy: { command: [\"true\"] } }\n")
        let state = "sqlite:" + project.directory.appendingPathComponent("elsewhere.db").path
        let before = try GantryBinary.run(["-c", "prod.yml", "--state", state, "-q", "deploy", "production", "--release", "1.0"], in: project.directory)
        #expect(before.status == 0, "\(before.output)")
        #expect(project.exists("elsewhere.db"), "--state before the command is used")
        let after = try GantryBinary.run(["status", "--json", "-c", "prod.yml", "--state", state], in: project.directory)
        #expect(after.status == 0 && after.stdout.contains("\"current\" : \"1.0\""), "\(after.output)")
        let equals = try GantryBinary.run(["--config=prod.yml", "--state=\(state)", "--color=never", "-v", "status"], in: project.directory)
        #expect(equals.status == 0 && equals.stdout.contains("production"), "\(equals.output)")
        #expect(equals.stderr.contains("config loaded"), "-v before the command turns on diagnostics")
        let unknown = try GantryBinary.run(["--colour", "never", "status"], in: project.directory)
        #expect(unknown.status == 2, "an unknown leading option is still a usage error: \(unknown.output)")
    }

    @Test("global options before a command group and its subcommand, and on commands that do not use them")
    func groupsAndUnusedOptions() throws {
        let project = try Project(config: "version: 1\nenvironments:\n  production: { deploy: { command: [\"true\"] } }\n")
        let runbook = try GantryBinary.run(["-c", "gantry.yml", "monitoring", "runbook"], in: project.directory)
        #expect(runbook.status == 0, "\(runbook.output)")
        #expect(runbook.stdout.contains("# "), "the runbook is printed")
        let version = try GantryBinary.run(["-q", "version", "--short"], in: project.directory)
        #expect(version.status == 0 && !version.stdout.isEmpty, "\(version.output)")
        let schema = try GantryBinary.run(["schema", "-c", "gantry.yml"], in: project.directory)
        #expect(schema.status == 0, "\(schema.output)")
    }

    @Test("argument errors say gantry: error: like every other error; a mistyped command gets a suggestion; help groups commands and lists every exit code")
    func errorsAndHelp() throws {
        let project = try Project(config: "version: 1\nenvironments:\n  production: { deploy: { command: [\"true\"] } }\n")
        let typo = try GantryBinary.run(["deplyo", "production"], in: project.directory)
        #expect(typo.status == 2)
        #expect(typo.stderr.hasPrefix("gantry: error: "), "\(typo.stderr)")
        #expect(typo.stderr.contains("did you mean 'deploy'?"), "\(typo.stderr)")
        #expect(!typo.stderr.contains("Error:"))
        let missing = try GantryBinary.run(["deploy", "production"], in: project.directory)
        #expect(missing.status == 2)
        #expect(missing.stderr.hasPrefix("gantry: error: Missing expected argument '--release <release>'"), "\(missing.stderr)")
        let help = try GantryBinary.run(["--help"], in: project.directory)
        for group in ["DEPLOY AND ROLL BACK", "SEE WHAT HAPPENED", "LOCKS AND FREEZES", "ROLLOUTS", "RUNNERS", "MONITORING", "STATE", "SETUP"] {
            #expect(help.stdout.uppercased().contains(group), "\(group) in \(help.stdout)")
        }
        #expect(help.stdout.contains("--config"), "the global options are listed")
        #expect(help.stdout.contains("5 a rollout left paused"), "every exit code, 5 included")
    }

    @Test("history of every environment, show ENV and show latest")
    func historyAndShow() throws {
        let project = try Project(config: "version: 1\nenvironments:\n  production: { deploy: { command: [\"true\"] } }\n  staging: { deploy: { command: [\"true\"] } }\n")
        #expect(try project.gantry("deploy", "staging", "--release", "1.0").status == 0)
        #expect(try project.gantry("deploy", "production", "--release", "0.9").status == 0)
        let all = try project.gantry("history")
        #expect(all.status == 0, "\(all.output)")
        #expect(all.stdout.contains("ENV"))
        let rows = all.stdout.split(separator: "\n").filter { $0.contains("succeeded") }
        #expect(rows.count == 2 && rows[0].contains("production") && rows[1].contains("staging"), "newest first: \(all.stdout)")
        let json = try project.json("history")
        #expect(json["environment"] is NSNull)
        #expect((json["deployments"] as? [[String: Any]])?.count == 2)
        let latest = try project.json("show", "latest")
        #expect((latest["deployment"] as? [String: Any])?["release"] as? String == "0.9")
        let staging = try project.json("show", "staging")
        #expect((staging["deployment"] as? [String: Any])?["release"] as? String == "1.0")
        let neither = try project.gantry("show", "nowhere")
        #expect(neither.status == 2)
        #expect(neither.stderr.contains("is neither a deployment id"), "\(neither.stderr)")
    }

    @Test("a release with a '/' is refused with the fix in the message")
    func slashInRelease() throws {
        let project = try Project(config: "version: 1\nenvironments:\n  production: { deploy: { command: [\"true\"] } }\n")
        let result = try project.gantry("deploy", "production", "--release", "feature/foo")
        #expect(result.status == 2)
        #expect(result.stderr.contains("replace it with '-' (such as 'feature-foo')"), "\(result.stderr)")
        #expect(result.stderr.contains("GITHUB_REF_NAME//"), "\(result.stderr)")
        #expect(!project.exists(".gantry"), "nothing changed")
        // Parsed with the arguments: on GitHub Actions it is annotated like every error.
        let annotated = try project.gantry("deploy", "production", "--release", "feature/foo", environment: ["GITHUB_ACTIONS": "true"])
        #expect(annotated.status == 2)
        #expect(annotated.stderr.hasPrefix("::error title=gantry::"), "\(annotated.stderr)")
        #expect(annotated.stderr.contains("such as 'feature-foo'"), "\(annotated.stderr)")
    }

    @Test("--color: always colours even into a pipe, never never does, auto colours on GitHub Actions")
    func color() throws {
        let project = try Project(config: "version: 1\nenvironments:\n  production: { deploy: { command: [\"true\"] } }\n")
        #expect(try project.gantry("deploy", "production", "--release", "1.0").status == 0)
        let escape = "\u{1B}["
        #expect(try project.gantry("status", "--color", "always").stdout.contains(escape))
        #expect(!(try project.gantry("status", "--color", "never", environment: ["GITHUB_ACTIONS": "true"]).stdout.contains(escape)))
        #expect(!(try project.gantry("status", environment: ["NO_COLOR": ""]).stdout.contains(escape)), "auto: a pipe is not a terminal")
        #expect(try project.gantry("status", environment: ["GITHUB_ACTIONS": "true", "NO_COLOR": ""]).stdout.contains(escape), "auto: GitHub's log viewer renders colour")
        #expect(!(try project.gantry("status", environment: ["GITHUB_ACTIONS": "true", "NO_COLOR": "1"]).stdout.contains(escape)))
    }

    @Test("completions: scripts for bash, zsh and fish; environment names come from the config the command line names")
    func completions() throws {
        let project = try Project(config: "version: 1\nenvironments:\n  production: { deploy: { command: [\"true\"] } }\n  preview: { deploy: { command: [\"true\"] } }\n  staging: { deploy: { command: [\"true\"] } }\n")
        try project.write("other.yml", "version: 1\nenvironments:\n  prod-eu: { deploy: { command: [\"true\"] } }\n")
        for shell in ["bash", "zsh", "fish"] {
            let script = try project.gantry("--generate-completion-script", shell)
            #expect(script.status == 0 && script.stdout.contains("---completion deploy"), "\(shell): \(script.output.prefix(300))")
        }
        let names = try project.gantry("---completion", "deploy", "--", "positional@0", "2", "1", "gantry", "deploy", "p")
        #expect(names.stdout.split(separator: "\n").map(String.init) == ["production", "preview"], "\(names.output)")
        let other = try project.gantry("---completion", "deploy", "--", "positional@0", "4", "1", "gantry", "deploy", "-c", "other.yml", "p")
        #expect(other.stdout.split(separator: "\n").map(String.init) == ["prod-eu"], "\(other.output)")
        let bash = try project.gantry("--generate-completion-script", "bash")
        #expect(bash.stdout.contains("yml") && bash.stdout.contains("yaml"), "-c completes config files")
    }
}
