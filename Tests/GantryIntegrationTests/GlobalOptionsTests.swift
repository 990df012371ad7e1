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
