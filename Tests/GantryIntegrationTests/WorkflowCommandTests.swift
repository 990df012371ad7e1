import Foundation
import Testing
#if canImport(Glibc)
import Glibc
#endif

/// Reads a step's log the way the GitHub Actions runner does (its ActionCommandManager):
/// each line, trimmed, is a command when it is `::name props::data` (or the legacy
/// `##[name props]data`) and `name` is a registered command; while commands are stopped,
/// only the line naming the stop token resumes them.
struct WorkflowCommandReader {
    static let registered: Set<String> = [
        "stop-commands", "set-env", "set-output", "save-state", "add-mask", "add-path", "add-matcher", "remove-matcher",
        "warning", "error", "notice", "debug", "group", "endgroup", "echo",
    ]

    struct Command: Equatable {
        var name: String
        var properties: String
        var data: String
        var line: Int
    }

    private(set) var commands: [Command] = []
    /// The stop token still in force at the end of the log, if any.
    private(set) var stoppedBy: String?

    init(_ log: String) {
        var registered = Self.registered
        for (number, raw) in log.split(separator: "\n", omittingEmptySubsequences: false).enumerated() {
            guard let (name, properties, data) = Self.parse(raw.trimmingCharacters(in: .whitespaces)), registered.contains(name.lowercased()) || name == stoppedBy else { continue }
            if let token = stoppedBy {
                if name.lowercased() == token.lowercased() {
                    registered.remove(token)
                    stoppedBy = nil
                }
                continue
            }
            if name == "stop-commands" {
                stoppedBy = data
                registered.insert(data)
                continue
            }
            commands.append(Command(name: name, properties: properties, data: data, line: number))
        }
    }

    /// Name, properties and data of a command line, or nil.
    static func parse(_ line: String) -> (String, String, String)? {
        let head: Substring
        let data: Substring
        if line.hasPrefix("::") {
            let rest = line.dropFirst(2)
            guard let end = rest.range(of: "::") else { return nil }
            head = rest[..<end.lowerBound]
            data = rest[end.upperBound...]
        } else if line.hasPrefix("##[") {
            let rest = line.dropFirst(3)
            guard let end = rest.firstIndex(of: "]") else { return nil }
            head = rest[..<end]
            data = rest[rest.index(after: end)...]
        } else {
            return nil
        }
        let parts = head.split(separator: " ", maxSplits: 1)
        guard let name = parts.first, !name.isEmpty else { return nil }
        return (String(name), parts.count > 1 ? String(parts[1]) : "", String(data))
    }
}

@Suite("workflow commands on GitHub Actions")
struct WorkflowCommandTests {
    /// A command that prints lines a runner would take for commands.
    static let forging = "echo '::error::forged'; echo '  ::endgroup::'; echo '##[error]forged legacy'; echo '::group::forged group'"

    /// A command that only the forging output could have written (a forged endgroup shows
    /// as unbalanced groups).
    static func forged(_ command: WorkflowCommandReader.Command) -> Bool {
        ["forged", "forged legacy", "forged group"].contains(command.data)
    }

    func check(_ log: String, expectFinal: String) {
        let reader = WorkflowCommandReader(log)
        #expect(reader.stoppedBy == nil, "commands were left stopped: every later annotation is ignored")
        #expect(!reader.commands.contains(where: Self.forged), "command output acted as a workflow command: \(reader.commands.filter(Self.forged))")
        #expect(reader.commands.contains { $0.name == "error" && $0.properties.contains(expectFinal) }, "gantry's own annotation was not seen: \(reader.commands)")
        var depth = 0
        for command in reader.commands {
            if command.name == "group" { depth += 1; #expect(depth == 1, "groups nest at line \(command.line)") }
            if command.name == "endgroup" { depth -= 1; #expect(depth == 0, "an endgroup without a group at line \(command.line)") }
        }
        #expect(depth == 0, "a group was left open")
    }

    @Test("retries: every stop is resumed with its own token; no output line acts as a command; the final error annotation does")
    func retries() throws {
        let project = try Project(config: """
            version: 1
            environments:
              production:
                deploy: { command: [/bin/sh, -c, \(jsonString(Self.forging + "; exit 1"))] }
                retry: { attempts: 2, backoff: 10ms, retry_on: ["exit:1"] }
            """)
        let result = try project.gantry("deploy", "production", "--release", "1.0", environment: ["GITHUB_ACTIONS": "true"])
        #expect(result.status == 4, "\(result.output)")
        check(result.stdout + result.stderr, expectFinal: "failed")
    }

    @Test("a rollback's output is fenced too")
    func rollback() throws {
        let project = try Project(config: """
            version: 1
            environments:
              production:
                deploy: { command: [/bin/sh, -c, \(jsonString("[ \"$0\" = bad ] && { " + Self.forging + "; exit 1; }; true")), "{release}"] }
                rollback: { command: [/bin/sh, -c, \(jsonString(Self.forging))] }
            """)
        #expect(try project.gantry("deploy", "production", "--release", "good").status == 0)
        let result = try project.gantry("deploy", "production", "--release", "bad", environment: ["GITHUB_ACTIONS": "true"])
        #expect(result.status == 1, "\(result.output)")
        check(result.stdout + result.stderr, expectFinal: "rolled_back")
    }

    @Test("recovery's output is fenced; an interrupted deploy resumes commands before its annotation")
    func recoveryAndInterruption() throws {
        let project = try Project(config: """
            version: 1
            environments:
              production:
                deploy: { command: [/bin/sh, -c, \(jsonString("[ \"$0\" = slow ] && { echo started > started.txt; " + Self.forging + "; sleep 30; }; true")), "{release}"], grace: 1s }
                rollback: { command: [/bin/sh, -c, \(jsonString(Self.forging))] }
            """)
        #expect(try project.gantry("deploy", "production", "--release", "good").status == 0)
        let interrupted = try GantryBinary.start(["deploy", "production", "--release", "slow"], in: project.directory, environment: ["GITHUB_ACTIONS": "true"])
        let deadline = Date().addingTimeInterval(10)
        while !project.exists("started.txt"), Date() < deadline { Thread.sleep(forTimeInterval: 0.02) }
        kill(interrupted.process.processIdentifier, SIGTERM)
        let first = interrupted.wait()
        #expect(first.status == 143, "\(first.output)")
        check(first.stdout + first.stderr, expectFinal: "interrupted")
        try? FileManager.default.removeItem(at: project.directory.appendingPathComponent("started.txt"))
        let killed = try GantryBinary.start(["deploy", "production", "--release", "slow"], in: project.directory)
        while !project.exists("started.txt"), Date() < deadline.addingTimeInterval(10) { Thread.sleep(forTimeInterval: 0.02) }
        kill(killed.process.processIdentifier, SIGKILL)
        _ = killed.wait()
        let recovery = try project.gantry("recover", "production", environment: ["GITHUB_ACTIONS": "true"])
        #expect(recovery.status == 0, "\(recovery.output)")
        let reader = WorkflowCommandReader(recovery.stdout + recovery.stderr)
        #expect(reader.stoppedBy == nil)
        #expect(!reader.commands.contains(where: Self.forged), "recovery output acted as a command: \(reader.commands)")
    }
}
