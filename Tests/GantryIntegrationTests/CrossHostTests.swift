import Foundation
import Testing
#if canImport(Glibc)
import Glibc
#endif

/// Where the shared state lives in a cross-host test.
enum SharedStore: String, CustomStringConvertible, CaseIterable {
    case sqlite
    case postgres

    var description: String { rawValue }

    /// The stores this run can test: PostgreSQL when scripts/test started it (always under CI).
    static var available: [SharedStore] { SharedDatabase.enabled ? [.sqlite, .postgres] : [.sqlite] }

    /// The `state:` line and the environment the gantry processes need.
    func make() throws -> (line: String, environment: [String: String]) {
        switch self {
        case .sqlite: return ("", [:])
        case .postgres:
            let (state, environment) = try SharedDatabase.create()
            return ("state: \"\(state)\"", environment)
        }
    }
}

/// Gantry's first promise across hosts: two deploys of an environment never touch production
/// at the same time, and an interrupted deploy never leaves it without a record, whatever
/// CI's signals do. "Hosts" are namespaces of their own (`SimulatedHost`).
@Suite("safety across hosts", .serialized, .enabled(if: SimulatedHost.required))
struct CrossHostTests {
    /// Every production command (deploy and rollback) logs a line per 0.2 s with its release,
    /// host and time; a release named `slow` runs 25 s, others 1 s; one named `gated` first
    /// waits for a file `go`.
    func config(_ state: String, lease: String) -> String {
        let deploy = "[ \"$1\" = gated ] && while [ ! -e go ]; do sleep 0.05; done; n=5; [ \"$1\" = slow ] && n=125; i=0; while [ $i -lt $n ]; do echo \"$1 $(hostname) $(date +%s%N)\" >> commands.log; sleep 0.2; i=$((i+1)); done; echo $1 > live.txt"
        let rollback = "echo \"rollback-$1 $(hostname) $(date +%s%N)\" >> commands.log; echo $1 > live.txt"
        return """
            version: 1
            \(state)
            environments:
              production:
                lock: { lease: \(lease) }
                deploy: { command: [/bin/sh, -c, \(jsonString(deploy)), deploy, "{release}"], grace: 1s }
                rollback: { command: [/bin/sh, -c, \(jsonString(rollback)), rollback, "{release}"] }
                checks:
                  - { name: live, command: { command: [test, -s, live.txt] }, timeout: 2s, retries: 0 }
            """
    }

    /// (release, host, nanoseconds) of every logged command line.
    func commandLines(_ project: Project) -> [(release: String, host: String, at: Int)] {
        (project.read("commands.log") ?? "").split(separator: "\n").compactMap { line in
            let parts = line.split(separator: " ")
            guard parts.count == 3, let at = Int(parts[2]) else { return nil }
            return (String(parts[0]), String(parts[1]), at)
        }
    }

    func waitFor(_ what: String, timeout: TimeInterval = 15, _ condition: () -> Bool) throws {
        let deadline = Date().addingTimeInterval(timeout)
        while !condition() {
            try #require(Date() < deadline, "timed out waiting for \(what)")
            Thread.sleep(forTimeInterval: 0.02)
        }
    }

    func status(_ project: Project, _ environment: [String: String]) throws -> [String: Any] {
        try #require((try project.json("status", environment: environment)["environments"] as? [[String: Any]])?.first)
    }

    func history(_ project: Project, _ environment: [String: String]) throws -> [[String: Any]] {
        try #require(try project.json("history", "production", "--limit", "50", environment: environment)["deployments"] as? [[String: Any]])
    }

    @Test("a frozen runner's command is stopped by its lease guard before another host's successor runs anything", arguments: SharedStore.available)
    func frozenHolder(store: SharedStore) throws {
        let (state, environment) = try store.make()
        let project = try Project(config: config(state, lease: "4s"))
        let a = SimulatedHost(name: "runner-a")
        let b = SimulatedHost(name: "runner-b")
        let base = try b.run(["deploy", "production", "--release", "1.0"], in: project, environment: environment)
        #expect(base.status == 0, "\(base.output)")
        let holder = try a.start(["deploy", "production", "--release", "slow"], in: project, environment: environment)
        try waitFor("runner-a's command") { commandLines(project).contains { $0.release == "slow" } }
        Thread.sleep(forTimeInterval: 2)
        kill(holder.gantry, SIGSTOP)
        defer { kill(holder.gantry, SIGCONT) }
        let successor = try b.run(["deploy", "production", "--release", "3.0", "--wait", "60s"], in: project, environment: environment)
        #expect(successor.status == 0, "\(successor.output)")
        #expect(successor.output.contains("cannot be signalled from here"), "\(successor.output)")
        let lines = commandLines(project)
        let lastOfA = try #require(lines.filter { $0.release == "slow" }.map(\.at).max())
        let firstOfB = try #require(lines.filter { $0.host == "runner-b" && $0.release != "1.0" }.map(\.at).min())
        #expect(lastOfA < firstOfB, "runner-a's command ran until \(lastOfA), runner-b's started at \(firstOfB): they overlapped by \(Double(lastOfA - firstOfB) / 1e9) s")
        let stale = try #require(try history(project, environment).first { $0["release"] as? String == "slow" })
        let staleID = try #require(stale["id"] as? String)
        #expect(ProcessTree.processes(ofDeployment: staleID).isEmpty, "runner-a's command still runs")
        kill(holder.gantry, SIGCONT)
        let resumed = holder.wait()
        #expect(resumed.status == 4, "\(resumed.output)")
        #expect(resumed.stderr.contains("lost its lease"), "\(resumed.output)")
        let after = try status(project, environment)
        #expect(after["current"] as? String == "3.0")
        #expect(after["lock"] is NSNull)
        #expect(project.read("live.txt") == "3.0\n")
        let record = try #require(try history(project, environment).first { $0["id"] as? String == staleID })
        #expect(record["outcome"] as? String == "interrupted")
    }

    @Test("gantry rollback chooses where back is under the lease: a deploy another host finishes while it waits moves it", arguments: SharedStore.available)
    func rollbackTargetUnderLease(store: SharedStore) throws {
        let (state, environment) = try store.make()
        let project = try Project(config: config(state, lease: "10s"))
        let a = SimulatedHost(name: "runner-a")
        let b = SimulatedHost(name: "runner-b")
        for release in ["1.0", "2.0"] {
            let deployed = try b.run(["deploy", "production", "--release", release], in: project, environment: environment)
            #expect(deployed.status == 0, "\(deployed.output)")
        }
        let deploying = try a.start(["deploy", "production", "--release", "gated"], in: project, environment: environment)
        try waitFor("runner-a's lease") { (try? status(project, environment))?["lock"] is [String: Any] }
        // Asked now, back would be 1.0 (the release before 2.0); the rollback waits its turn.
        let rollback = try b.start(["rollback", "production", "--wait", "60s"], in: project, environment: environment)
        try waitFor("runner-b's rollback in the queue") { ((try? status(project, environment))?["waiting"] as? [Any])?.isEmpty == false }
        try project.write("go", "")
        let deployed = deploying.wait()
        #expect(deployed.status == 0, "\(deployed.output)")
        let back = rollback.wait()
        #expect(back.status == 0, "\(back.output)")
        #expect(back.stderr.contains("Going back to 2.0: 2.0 is the newest release before gated"), "\(back.output)")
        #expect(project.read("live.txt") == "2.0\n")
        #expect(try status(project, environment)["current"] as? String == "2.0")
        let rolledBack = try #require(try history(project, environment).first)
        #expect(rolledBack["kind"] as? String == "rollback")
        #expect(rolledBack["release"] as? String == "2.0")
    }

    @Test("what a command leaves in its process group is stopped when it ends, even a job that ignores SIGTERM")
    func straggler() throws {
        let script = "(trap '' TERM; exec sleep 30 >/dev/null 2>&1) & echo $! > straggler.pid; echo started"
        let project = try Project(config: shellConfig(script, grace: "1s"))
        let result = try project.gantry("deploy", "production", "--release", "1.0")
        #expect(result.status == 0, "\(result.output)")
        let pid = try #require(Int32(project.read("straggler.pid")?.trimmingCharacters(in: .whitespacesAndNewlines) ?? ""))
        #expect(processIsGone(pid), "the background job outlived its command")
    }

    @Test("two hosts with the same host name never break each other's live lease", arguments: SharedStore.available)
    func sameHostName(store: SharedStore) throws {
        let (state, environment) = try store.make()
        let project = try Project(config: config(state, lease: "60s"))
        let a = SimulatedHost(name: "ci-shared")
        let b = SimulatedHost(name: "ci-shared")
        let holder = try a.start(["deploy", "production", "--release", "1.0"], in: project, environment: environment)
        try waitFor("the first host's command") { commandLines(project).contains { $0.release == "1.0" } }
        let other = try b.run(["deploy", "production", "--release", "2.0", "--wait", "0s"], in: project, environment: environment)
        #expect(other.status == 3, "\(other.output)")
        #expect(other.output.contains("locked by"), "\(other.output)")
        let first = holder.wait()
        #expect(first.status == 0, "\(first.output)")
        #expect(!commandLines(project).contains { $0.release == "2.0" })
        #expect(try status(project, environment)["current"] as? String == "1.0")
    }

    @Test("SIGTERM mid-deploy: exit 143, the rollback ran, interrupted is recorded, the lease is free", arguments: SharedStore.available)
    func terminated(store: SharedStore) throws {
        let (state, environment) = try store.make()
        let project = try Project(config: config(state, lease: "60s"))
        #expect(try project.gantry("deploy", "production", "--release", "1.0", environment: environment).status == 0)
        let running = try GantryBinary.start(["deploy", "production", "--release", "slow"], in: project.directory, environment: environment)
        try waitFor("the deploy command") { commandLines(project).contains { $0.release == "slow" } }
        Thread.sleep(forTimeInterval: 1)
        kill(running.process.processIdentifier, SIGTERM)
        let result = running.wait()
        #expect(result.status == 143, "\(result.output)")
        #expect(commandLines(project).contains { $0.release == "rollback-1.0" }, "the rollback did not run")
        #expect(project.read("live.txt") == "1.0\n")
        let record = try #require(try history(project, environment).first)
        #expect(record["outcome"] as? String == "interrupted", "\(record)")
        #expect(try status(project, environment)["lock"] is NSNull)
    }

    @Test("GitHub's cancel: SIGINT, then SIGTERM a second later, on a command that ignores both: nothing of it survives, the outcome is recorded, recover rolls back",
          arguments: SharedStore.available)
    func cancelledJob(store: SharedStore) throws {
        let (state, environment) = try store.make()
        let deploy = "[ \"$1\" = stubborn ] && { trap '' TERM INT; echo \"$1 $(hostname) $(date +%s%N)\" >> commands.log; sleep 30; }; echo $1 > live.txt"
        let rollback = "echo \"rollback-$1 $(hostname) $(date +%s%N)\" >> commands.log; echo $1 > live.txt"
        let project = try Project(config: """
            version: 1
            \(state)
            environments:
              production:
                deploy: { command: [/bin/sh, -c, \(jsonString(deploy)), deploy, "{release}"], grace: 20s }
                rollback: { command: [/bin/sh, -c, \(jsonString(rollback)), rollback, "{release}"] }
            """)
        #expect(try project.gantry("deploy", "production", "--release", "1.0", environment: environment).status == 0)
        let running = try GantryBinary.start(["deploy", "production", "--release", "stubborn"], in: project.directory, environment: environment)
        try waitFor("the deploy command") { commandLines(project).contains { $0.release == "stubborn" } }
        let id = try #require(try history(project, environment).first?["id"] as? String)
        kill(running.process.processIdentifier, SIGINT)
        Thread.sleep(forTimeInterval: 1)
        kill(running.process.processIdentifier, SIGTERM)
        let signalled = Date()
        let result = running.wait()
        let took = Date().timeIntervalSince(signalled)
        #expect(took < 2.5, "gantry took \(took) s after the second signal")
        #expect(result.status == 143, "\(result.output)")
        #expect(ProcessTree.processes(ofDeployment: id).isEmpty, "a process of the deployment survived")
        let record = try #require(try history(project, environment).first { $0["id"] as? String == id })
        #expect(record["outcome"] as? String == "interrupted", "\(record)")
        #expect((record["reason"] as? String)?.contains("interrupted twice") == true, "\(record)")
        #expect(try status(project, environment)["lock"] is NSNull)
        let recovery = try project.gantry("recover", "production", environment: environment)
        #expect(recovery.status == 0, "\(recovery.output)")
        #expect(project.read("live.txt") == "1.0\n", "recover did not roll back")
        #expect(commandLines(project).contains { $0.release == "rollback-1.0" })
        let again = try project.gantry("recover", "production", environment: environment)
        #expect(again.status == 0)
        #expect(commandLines(project).filter { $0.release == "rollback-1.0" }.count == 1, "a second recover rolled back again")
    }
}
