import Foundation
import Testing

/// The guarantees of the safety engine, proven with many real gantry processes: serialized
/// deploys, recovery after SIGKILL at any moment, and fencing of a stale holder.
@Suite("safety proofs", .serialized)
struct SafetyProofTests {
    /// A deploy that logs its start and end, writes the release into live.txt, and a rollback
    /// that writes the target; a check that live.txt exists.
    func config(deploySleep: String = "0.05", lease: String = "60s") -> String {
        let deploy = "echo \"start $1 $(date +%s%N)\" >> intervals.log; echo $$ > running.pid; sleep \(deploySleep); echo $1 > live.txt; echo \"end $1 $(date +%s%N)\" >> intervals.log"
        let rollback = "echo $1 > live.txt"
        return """
            version: 1
            environments:
              production:
                lock: { lease: \(lease) }
                deploy: { command: [/bin/sh, -c, \(jsonString(deploy)), deploy, "{release}"], grace: 1s }
                rollback: { command: [/bin/sh, -c, \(jsonString(rollback)), rollback, "{release}"] }
                checks:
                  - { name: live, command: { command: [test, -s, live.txt] }, timeout: 2s, retries: 0 }
            """
    }

    func environment(_ project: Project) throws -> [String: Any] {
        try #require((try project.json("status")["environments"] as? [[String: Any]])?.first)
    }

    @Test("20 deploys started at once never overlap; each ends recorded; current is the last that succeeded")
    func concurrentDeploys() throws {
        let project = try Project(config: config())
        let processes = try (1...20).map { n in
            try GantryBinary.start(["deploy", "production", "--release", "r\(n)", "--wait", "2m"], in: project.directory)
        }
        let results = processes.map { $0.wait() }
        #expect(results.allSatisfy { $0.status == 0 }, "\(results.filter { $0.status != 0 }.map(\.output))")
        let lines = (project.read("intervals.log") ?? "").split(separator: "\n").map { $0.split(separator: " ") }
        var intervals: [(release: Substring, start: Int, end: Int)] = []
        for line in lines where line[0] == "start" {
            let end = lines.first { $0[0] == "end" && $0[1] == line[1] }
            intervals.append((line[1], Int(line[2])!, Int(end?[2] ?? "0")!))
        }
        #expect(intervals.count == 20)
        let sorted = intervals.sorted { $0.start < $1.start }
        for (earlier, later) in zip(sorted, sorted.dropFirst()) {
            #expect(earlier.end <= later.start, "\(earlier.release) and \(later.release) overlapped")
        }
        let history = try #require(try project.json("history", "production", "--limit", "50")["deployments"] as? [[String: Any]])
        #expect(history.count == 20)
        #expect(history.allSatisfy { ($0["outcome"] as? String) == "succeeded" })
        let lastSucceeded = sorted.last.map { String($0.release) }
        #expect(try environment(project)["current"] as? String == lastSucceeded)
        #expect(project.read("live.txt") == "\(lastSucceeded ?? "")\n")
    }

    @Test("SIGKILL at 50 different moments: recovery always leaves the lock free, current verified and live, every deployment recorded")
    func killedAtAnyMoment() throws {
        let project = try Project(config: config(deploySleep: "0.15"))
        #expect(try project.gantry("deploy", "production", "--release", "base").status == 0)
        var verified: Set<String> = ["base"]
        var generator = SystemRandomNumberGenerator()
        for run in 1...50 {
            let release = "k\(run)"
            let running = try GantryBinary.start(["deploy", "production", "--release", release], in: project.directory)
            Thread.sleep(forTimeInterval: Double(run % 10) * 0.035 + Double.random(in: 0..<0.02, using: &generator))
            kill(running.process.processIdentifier, SIGKILL)
            let killed = running.wait()
            if killed.status == 0 { verified.insert(release) }
            let recovery = try project.gantry("recover", "production")
            #expect(recovery.status == 0, "run \(run): \(recovery.output)")
            let state = try environment(project)
            let current = state["current"] as? String
            #expect(state["lock"] is NSNull, "run \(run): lock still held")
            if let current, current != "base" { verified.insert(current) }
            #expect(current.map { verified.contains($0) } == true, "run \(run): current \(current ?? "nil") was never verified")
            Thread.sleep(forTimeInterval: 0.05)
            #expect(project.read("live.txt") == "\(current ?? "")\n", "run \(run): production runs \(project.read("live.txt") ?? "nothing"), current says \(current ?? "nil")")
        }
        let history = try #require(try project.json("history", "production", "--limit", "200")["deployments"] as? [[String: Any]])
        #expect(history.allSatisfy { $0["outcome"] is String }, "a deployment has no outcome")
        let outcomes = Set(history.compactMap { $0["outcome"] as? String })
        #expect(outcomes.contains("interrupted"))
        for entry in history.prefix(10) {
            let id = try #require(entry["id"] as? String)
            let journal = try #require(try project.json("show", id)["journal"] as? [[String: Any]])
            let sequences = journal.compactMap { $0["sequence"] as? Int }
            #expect(sequences == Array(1...max(1, sequences.count)), "journal gap in \(id)")
        }
    }

    @Test("a stale holder: stopped past its lease, taken over and recovered; resumed, its writes are rejected")
    func staleHolder() throws {
        let project = try Project(config: config(deploySleep: "2", lease: "3s"))
        #expect(try project.gantry("deploy", "production", "--release", "1.0").status == 0)
        try? FileManager.default.removeItem(at: project.directory.appendingPathComponent("running.pid"))
        let stale = try GantryBinary.start(["deploy", "production", "--release", "stale"], in: project.directory)
        let deadline = Date().addingTimeInterval(10)
        while !project.exists("running.pid"), Date() < deadline { Thread.sleep(forTimeInterval: 0.02) }
        kill(stale.process.processIdentifier, SIGSTOP)
        let taker = try project.gantry("deploy", "production", "--release", "2.0", "--wait", "30s")
        #expect(taker.status == 0, "\(taker.output)")
        #expect(taker.stdout.contains("never finished"))
        kill(stale.process.processIdentifier, SIGCONT)
        let resumed = stale.wait()
        #expect(resumed.status != 0)
        #expect(resumed.stderr.contains("lost its lease"), "\(resumed.output)")
        let state = try environment(project)
        #expect(state["current"] as? String == "2.0")
        #expect(project.read("live.txt") == "2.0\n")
        let history = try #require(try project.json("history", "production")["deployments"] as? [[String: Any]])
        let staleRecord = try #require(history.first { $0["release"] as? String == "stale" })
        #expect(staleRecord["outcome"] as? String == "interrupted")
        #expect((staleRecord["reason"] as? String)?.contains("recovered by") == true)
    }
}
