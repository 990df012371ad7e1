import Foundation
import GantryTestSupport
import Testing
#if canImport(Glibc)
import Glibc
#endif

/// A fresh database on the PostgreSQL scripts/test starts, made with psql, and the `state:`
/// URL for it (the password comes from `${GANTRY_TEST_PG_PASSWORD}`, as a team would write it).
enum SharedDatabase {
    static var enabled: Bool {
        ProcessInfo.processInfo.environment["GANTRY_TEST_STATE_POSTGRES_URL"] != nil || ProcessInfo.processInfo.environment["CI"] == "true"
    }

    static func create() throws -> (state: String, environment: [String: String]) {
        let base = try #require(ProcessInfo.processInfo.environment["GANTRY_TEST_STATE_POSTGRES_URL"], "GANTRY_TEST_STATE_POSTGRES_URL is not set: run scripts/test")
        let components = try #require(URLComponents(string: base))
        let password = components.password ?? ""
        let name = "gantry_it_\(UUID().uuidString.lowercased().replacingOccurrences(of: "-", with: ""))"
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = ["psql", "-h", components.host ?? "127.0.0.1", "-p", String(components.port ?? 5432), "-U", components.user ?? "gantry", "-d", "gantry", "-q", "-c", "CREATE DATABASE \(name)"]
        process.environment = ProcessInfo.processInfo.environment.merging(["PGPASSWORD": password]) { $1 }
        try process.run()
        process.waitUntilExit()
        try #require(process.terminationStatus == 0, "psql could not create a database")
        let state = "postgres://\(components.user ?? "gantry"):${GANTRY_TEST_PG_PASSWORD}@\(components.host ?? "127.0.0.1"):\(components.port ?? 5432)/\(name)?sslmode=disable"
        return (state, ["GANTRY_TEST_PG_PASSWORD": password])
    }
}

@Suite("shared state on PostgreSQL", .serialized, .enabled(if: SharedDatabase.enabled))
struct PostgresStateTests {
    func config(state: String, deploySleep: String = "0.05", lease: String = "60s") -> String {
        let deploy = "echo \"start $1 $(date +%s%N) $GANTRY_RUNNER\" >> intervals.log; echo $$ > running.pid; sleep \(deploySleep); echo $1 > live.txt; echo \"end $1 $(date +%s%N)\" >> intervals.log"
        return """
            version: 1
            state: "\(state)"
            environments:
              production:
                lock: { lease: \(lease) }
                deploy: { command: [/bin/sh, -c, \(jsonString(deploy)), deploy, "{release}"], grace: 1s }
                rollback: { command: [/bin/sh, -c, "echo $1 > live.txt", rollback, "{release}"] }
                checks:
                  - { name: live, command: { command: [test, -s, live.txt] }, timeout: 2s, retries: 0 }
            """
    }

    func intervals(_ project: Project) -> [(release: Substring, start: Int, end: Int)] {
        let lines = (project.read("intervals.log") ?? "").split(separator: "\n").map { $0.split(separator: " ") }
        return lines.filter { $0[0] == "start" }.map { line in
            let end = lines.first { $0[0] == "end" && $0[1] == line[1] }
            return (line[1], Int(line[2])!, Int(end?[2] ?? "0")!)
        }.sorted { $0.start < $1.start }
    }

    @Test("two runners share one PostgreSQL: 20 concurrent deploys never overlap; a release one deployed, the other skips")
    func twoRunners() throws {
        let (state, environment) = try SharedDatabase.create()
        let project = try Project(config: config(state: state))
        let processes = try (1...20).map { n in
            try GantryBinary.start(
                ["deploy", "production", "--release", "r\(n)", "--wait", "2m"], in: project.directory,
                environment: environment.merging(["GANTRY_RUNNER": n % 2 == 0 ? "primary" : "secondary"]) { $1 }
            )
        }
        let results = processes.map { $0.wait() }
        #expect(results.allSatisfy { $0.status == 0 }, "\(results.filter { $0.status != 0 }.map(\.output))")
        let sorted = intervals(project)
        #expect(sorted.count == 20)
        for (earlier, later) in zip(sorted, sorted.dropFirst()) {
            #expect(earlier.end <= later.start, "\(earlier.release) and \(later.release) overlapped")
        }
        let history = try #require(try project.json("history", "production", "--limit", "50", environment: environment)["deployments"] as? [[String: Any]])
        #expect(history.count == 20)
        #expect(Set(history.compactMap { $0["runner"] as? String }) == ["primary", "secondary"])
        #expect(history.allSatisfy { $0["outcome"] as? String == "succeeded" })

        let first = try project.gantry("deploy", "production", "--release", "shared-1", environment: environment.merging(["GANTRY_RUNNER": "primary"]) { $1 })
        #expect(first.status == 0, "\(first.output)")
        let second = try project.json("deploy", "production", "--release", "shared-1", environment: environment.merging(["GANTRY_RUNNER": "secondary"]) { $1 })
        #expect(second["outcome"] as? String == "skipped")
    }

    @Test("gantry store export from SQLite and import into PostgreSQL keep history, journals and current; a second import is refused")
    func exportImport() throws {
        let (state, environment) = try SharedDatabase.create()
        let project = try Project(config: config(state: "sqlite:.gantry/state.db"))
        for release in ["1.0", "1.1"] {
            #expect(try project.gantry("deploy", "production", "--release", release).status == 0)
        }
        #expect(try project.gantry("freeze", "production", "--reason", "moving the state").status == 0)
        let export = try project.gantry("store", "export", "--output", "state.json")
        #expect(export.status == 0, "\(export.output)")
        let imported = try project.gantry("store", "import", "state.json", "--state", state, environment: environment)
        #expect(imported.status == 0, "\(imported.output)")
        #expect(imported.stdout.contains("imported 2 deployment(s)"))
        let sqliteHistory = try project.json("history", "production")
        let postgresHistory = try project.json("history", "production", "--state", state, environment: environment)
        func summary(_ history: [String: Any]) -> [String] {
            ((history["deployments"] as? [[String: Any]]) ?? []).map { row in
                ["id", "release", "kind", "outcome", "reason", "started_at", "finished_at", "host"].map { "\(row[$0] ?? "-")" }.joined(separator: "|")
            }
        }
        #expect(summary(sqliteHistory).count == 2)
        #expect(summary(sqliteHistory) == summary(postgresHistory))
        let status = try #require((try project.json("status", "--state", state, environment: environment)["environments"] as? [[String: Any]])?.first)
        #expect(status["current"] as? String == "1.1")
        #expect((status["frozen"] as? [String: Any])?["reason"] as? String == "moving the state")
        let id = try #require((sqliteHistory["deployments"] as? [[String: Any]])?.first?["id"] as? String)
        let journalSQLite = try project.json("show", id)["journal"] as? [[String: Any]]
        let journalPostgres = try project.json("show", id, "--state", state, environment: environment)["journal"] as? [[String: Any]]
        #expect(journalSQLite?.count == journalPostgres?.count && (journalSQLite?.count ?? 0) > 3)
        let again = try project.gantry("store", "import", "state.json", "--state", state, environment: environment)
        #expect(again.status == 2)
        #expect(again.stderr.contains("already holds deployments; import only into an empty store"))
    }

    @Test("PostgreSQL restarted in the middle of a deployment: no overlap, no lost outcome, production and current agree",
          .enabled(if: ProcessInfo.processInfo.environment["GANTRY_TEST_POSTGRES_STOP"] != nil))
    func restart() throws {
        let stop = try #require(ProcessInfo.processInfo.environment["GANTRY_TEST_POSTGRES_STOP"])
        let start = try #require(ProcessInfo.processInfo.environment["GANTRY_TEST_POSTGRES_START"])
        let (state, environment) = try SharedDatabase.create()
        let project = try Project(config: config(state: state, deploySleep: "3", lease: "6s"))
        #expect(try project.gantry("deploy", "production", "--release", "1.0", environment: environment).status == 0)
        try? FileManager.default.removeItem(at: project.directory.appendingPathComponent("running.pid"))
        let running = try GantryBinary.start(["deploy", "production", "--release", "2.0"], in: project.directory, environment: environment)
        let deadline = Date().addingTimeInterval(10)
        while !project.exists("running.pid"), Date() < deadline { Thread.sleep(forTimeInterval: 0.02) }
        #expect(Spawn.run(stop) == 0)
        Thread.sleep(forTimeInterval: 1)
        #expect(Spawn.run(start) == 0)
        let during = running.wait()
        // Whatever the first process could record, the next deploy of the same release ends the story.
        let after = try project.gantry("deploy", "production", "--release", "2.0", "--wait", "30s", environment: environment)
        #expect(after.status == 0, "first: \(during.output)\nafter: \(after.output)")
        let sorted = intervals(project)
        for (earlier, later) in zip(sorted, sorted.dropFirst()) {
            #expect(earlier.end == 0 || earlier.end <= later.start, "\(earlier.release) and \(later.release) overlapped")
        }
        let status = try #require((try project.json("status", environment: environment)["environments"] as? [[String: Any]])?.first)
        #expect(status["current"] as? String == "2.0")
        #expect(status["lock"] is NSNull)
        #expect(project.read("live.txt") == "2.0\n")
        let history = try #require(try project.json("history", "production", environment: environment)["deployments"] as? [[String: Any]])
        #expect(history.allSatisfy { $0["outcome"] is String }, "every deployment has an outcome: \(history)")
        #expect(sorted.filter { $0.release == "2.0" }.count <= 2)
    }
}

/// Runs a script with its output discarded and waits for it with waitpid. Foundation's
/// Process is not used here: a server the script starts keeps inherited pipes open, and
/// Process's wait was seen spinning after such a child exited.
enum Spawn {
    static func run(_ path: String) -> Int32 {
        var actions: posix_spawn_file_actions_t = posix_spawn_file_actions_t()
        posix_spawn_file_actions_init(&actions)
        defer { posix_spawn_file_actions_destroy(&actions) }
        for descriptor in [Int32(0), 1, 2] {
            posix_spawn_file_actions_addopen(&actions, descriptor, "/dev/null", descriptor == 0 ? O_RDONLY : O_WRONLY, 0)
        }
        var pid: pid_t = 0
        let argv: [UnsafeMutablePointer<CChar>?] = [strdup(path), nil]
        defer { for pointer in argv { free(pointer) } }
        guard posix_spawn(&pid, path, &actions, nil, argv, environ) == 0 else { return -1 }
        var status: Int32 = 0
        while waitpid(pid, &status, 0) < 0, errno == EINTR {}
        return (status & 0x7f) == 0 ? (status >> 8) & 0xff : -1
    }
}

@Suite("shared state unreachable")
struct PostgresUnreachableTests {
    @Test("a PostgreSQL state store that does not answer is reported within seconds, exit 2, naming where")
    func unreachable() throws {
        let port = try closedPort()
        let project = try Project(config: """
            version: 1
            state: "postgres://gantry:${PGPW}@127.0.0.1:\(port)/gantry"
            environments:
              production:
                deploy: { command: ["true"] }
            """)
        let missing = try project.gantry("status")
        #expect(missing.status == 2)
        #expect(missing.stderr.contains("environment variable PGPW is not set"))
        let started = Date()
        let result = try project.gantry("deploy", "production", "--release", "1.0", environment: ["PGPW": "pw-not-shown"])
        #expect(result.status == 2, "\(result.output)")
        #expect(result.stderr.contains("PostgreSQL state store at 127.0.0.1:\(port)/gantry"), "\(result.stderr)")
        #expect(!result.output.contains("pw-not-shown"))
        #expect(Date().timeIntervalSince(started) < 20)
    }
}
