import Foundation
import Testing

@Suite("locks by hand, freezes and the circuit breaker", .serialized)
struct ProtectTests {
    func config(protect: String = "") -> String {
        let deploy = "case $1 in *bad*) exit 1;; esac; echo $1 > live.txt"
        return """
            version: 1
            environments:
              production:
                deploy: { command: [/bin/sh, -c, \(jsonString(deploy)), deploy, "{release}"] }
                rollback: { command: [/bin/sh, -c, "echo $1 > live.txt", rollback, "{release}"] }
            \(protect)
            """
    }

    @Test("gantry lock holds deploys (refused at once, naming the reason); unlock releases")
    func lockByHand() throws {
        let project = try Project(config: config())
        let lock = try project.gantry("lock", "production", "--reason", "db migration window", environment: ["USER": "alice"])
        #expect(lock.status == 0, "\(lock.output)")
        let refused = try project.gantry("deploy", "production", "--release", "1.0")
        #expect(refused.status == 3)
        #expect(refused.stdout.contains("held by hand by alice"))
        #expect(refused.stdout.contains("db migration window"))
        #expect(refused.stdout.split(separator: "\n").allSatisfy { $0.components(separatedBy: "held by hand").count <= 2 }, "said once a line: \(refused.stdout)")
        #expect(try project.gantry("lock", "production", "--reason", "again").status == 3)
        #expect(try project.gantry("unlock", "production").status == 0)
        #expect(try project.gantry("deploy", "production", "--release", "1.0").status == 0)
    }

    @Test("gantry lock is refused while a deployment waits its turn, naming it; the waiting deploy then runs")
    func lockBehindWaiter() throws {
        let deploy = "touch started-$1; while [ ! -e go ]; do sleep 0.05; done; echo $1 > live.txt"
        let project = try Project(config: "version: 1\nenvironments:\n  production:\n    deploy: { command: [/bin/sh, -c, \(jsonString(deploy)), deploy, \"{release}\"] }\n")
        let running = try GantryBinary.start(["deploy", "production", "--release", "1.0"], in: project.directory)
        let deadline = Date().addingTimeInterval(10)
        while !project.exists("started-1.0"), Date() < deadline { Thread.sleep(forTimeInterval: 0.05) }
        let waiting = try GantryBinary.start(["deploy", "production", "--release", "2.0", "--wait", "60s"], in: project.directory)
        var queued = false
        while !queued, Date() < deadline {
            queued = ((try? project.json("status"))?["environments"] as? [[String: Any]])?.first.flatMap { $0["waiting"] as? [[String: Any]] }?.isEmpty == false
            if !queued { Thread.sleep(forTimeInterval: 0.05) }
        }
        let refused = try project.gantry("lock", "production", "--reason", "maintenance")
        #expect(refused.status == 3, "\(refused.output)")
        #expect(refused.stderr.contains("is waiting for production"), "\(refused.output)")
        try project.write("go", "")
        #expect(running.wait().status == 0)
        #expect(waiting.wait().status == 0)
        #expect(project.read("live.txt") == "2.0\n")
        #expect(try project.gantry("lock", "production", "--reason", "maintenance").status == 0)
    }

    @Test("unlock refuses a running deployment's live lease without --force")
    func unlockRunning() throws {
        let project = try Project(config: "version: 1\nenvironments:\n  production:\n    deploy: { command: [/bin/sh, -c, \"touch started; sleep 3\"] }\n")
        let running = try GantryBinary.start(["deploy", "production", "--release", "1.0"], in: project.directory)
        let deadline = Date().addingTimeInterval(10)
        while !project.exists("started"), Date() < deadline { Thread.sleep(forTimeInterval: 0.05) }
        let refused = try project.gantry("unlock", "production")
        #expect(refused.status == 3)
        #expect(refused.stderr.contains("held by running deployment"))
        #expect(running.wait().status == 0)
    }

    @Test("freeze refuses deploys, --override --reason passes and is recorded, unfreeze lifts it")
    func freeze() throws {
        let project = try Project(config: config())
        #expect(try project.gantry("freeze", "production", "--reason", "black friday", environment: ["USER": "bob"]).status == 0)
        let status = try project.json("status")
        #expect(((status["environments"] as? [[String: Any]])?.first?["frozen"] as? [String: Any])?["reason"] as? String == "black friday")
        let refused = try project.gantry("deploy", "production", "--release", "1.0")
        #expect(refused.status == 3)
        #expect(refused.stdout.contains("frozen by bob"))
        #expect(!project.exists("live.txt"))
        #expect(try project.gantry("deploy", "production", "--release", "1.0", "--override").status == 2)
        let overridden = try project.json("deploy", "production", "--release", "1.0", "--override", "--reason", "hotfix for checkout")
        #expect(overridden["outcome"] as? String == "succeeded")
        let id = try #require(overridden["id"] as? String)
        let journal = try #require(try project.json("show", id)["journal"] as? [[String: Any]])
        #expect(journal.contains { ($0["message"] as? String)?.contains("hotfix for checkout") == true })
        #expect(try project.gantry("unfreeze", "production").status == 0)
        #expect(try project.gantry("deploy", "production", "--release", "1.1").status == 0)
    }

    @Test("the circuit breaker opens after N failures in a row; unfreeze resets it")
    func circuitBreaker() throws {
        let project = try Project(config: config(protect: "    protect: { circuit_breaker: 2 }"))
        #expect(try project.gantry("deploy", "production", "--release", "1.0").status == 0)
        #expect(try project.gantry("deploy", "production", "--release", "2.0-bad").status == 1)
        #expect(try project.gantry("deploy", "production", "--release", "2.1-bad").status == 1)
        let refused = try project.gantry("deploy", "production", "--release", "2.2")
        #expect(refused.status == 3)
        #expect(refused.stdout.contains("circuit breaker"))
        #expect(try project.gantry("unfreeze", "production").status == 0)
        #expect(try project.gantry("deploy", "production", "--release", "2.2").status == 0)
    }

    @Test("a freeze window refuses deploys while it is open")
    func freezeWindow() throws {
        let project = try Project(config: config(protect: "    protect: { freeze_windows: [\"00:00-23:59 UTC\"] }"))
        let refused = try project.gantry("deploy", "production", "--release", "1.0")
        let now = Calendar(identifier: .gregorian).dateComponents(in: TimeZone(identifier: "UTC")!, from: Date())
        if now.hour == 23, now.minute == 59 { return }
        #expect(refused.status == 3)
        #expect(refused.stdout.contains("freeze window 00:00-23:59 UTC"))
    }

    @Test("with lock_after_rollback, an automatic rollback leaves the environment locked")
    func lockAfterRollback() throws {
        let project = try Project(config: config(protect: "    protect: { lock_after_rollback: true }"))
        #expect(try project.gantry("deploy", "production", "--release", "1.0").status == 0)
        #expect(try project.gantry("deploy", "production", "--release", "2.0-bad").status == 1)
        let refused = try project.gantry("deploy", "production", "--release", "2.1")
        #expect(refused.status == 3)
        #expect(refused.stdout.contains("held after an automatic rollback"))
        #expect(try project.gantry("unlock", "production").status == 0)
        #expect(try project.gantry("deploy", "production", "--release", "2.1").status == 0)
    }

    @Test("a lease outlives its length while the holder renews it")
    func renewal() throws {
        let project = try Project(config: "version: 1\nenvironments:\n  production:\n    lock: { lease: 3s }\n    deploy: { command: [/bin/sh, -c, \"touch started; sleep 5\"] }\n")
        let holder = try GantryBinary.start(["deploy", "production", "--release", "1.0"], in: project.directory)
        let deadline = Date().addingTimeInterval(10)
        while !project.exists("started"), Date() < deadline { Thread.sleep(forTimeInterval: 0.05) }
        Thread.sleep(forTimeInterval: 3.5)
        let refused = try project.gantry("deploy", "production", "--release", "2.0", "--wait", "0s")
        #expect(refused.status == 3, "the lease expired although its holder was alive: \(refused.output)")
        #expect(holder.wait().status == 0)
    }

    @Test("with supersede, a waiting deployment gives up when a newer one queues behind it")
    func supersede() throws {
        let project = try Project(config: "version: 1\nenvironments:\n  production:\n    lock: { supersede: true }\n    deploy: { command: [/bin/sh, -c, \"touch started-$1; sleep 1.5\", deploy, \"{release}\"] }\n")
        let first = try GantryBinary.start(["deploy", "production", "--release", "1"], in: project.directory)
        let deadline = Date().addingTimeInterval(10)
        while !project.exists("started-1"), Date() < deadline { Thread.sleep(forTimeInterval: 0.05) }
        let second = try GantryBinary.start(["deploy", "production", "--release", "2"], in: project.directory)
        // The third starts once the second has queued, as `status` shows, not after a guess.
        while Date() < deadline {
            let environments = try project.json("status", "production")["environments"] as? [[String: Any]]
            if let waiting = environments?.first?["waiting"] as? [Any], !waiting.isEmpty { break }
            Thread.sleep(forTimeInterval: 0.02)
        }
        let third = try GantryBinary.start(["deploy", "production", "--release", "3"], in: project.directory)
        let results = [first.wait(), second.wait(), third.wait()]
        #expect(results.map(\.status) == [0, 3, 0], "\(results.map(\.output))")
        #expect(results[1].stdout.contains("superseded by deployment"))
        #expect(!project.exists("started-2"))
        #expect(project.exists("started-3"))
    }
}
