import Foundation
import Testing

/// `show ID --follow` and `status --watch` follow, through the shared store, a deployment
/// another process runs.
@Suite("following a deployment another process runs")
struct FollowTests {
    func config(_ state: String) -> String {
        """
        version: 1
        \(state)
        environments:
          production:
            deploy: { command: [/bin/sh, -c, 'echo "start $0"; sleep 1.5; echo "done $0"; [ "$0" != bad ]', "{release}"] }
            rollback: { command: [/bin/sh, -c, 'echo "back to $0"', "{release}"] }
        """
    }

    /// The id of the newest deployment, once there is one.
    func newest(_ project: Project, _ environment: [String: String]) throws -> String {
        for _ in 0..<100 {
            if let id = (try project.json("history", "production", environment: environment)["deployments"] as? [[String: Any]])?.first?["id"] as? String { return id }
            Thread.sleep(forTimeInterval: 0.05)
        }
        throw CancellationError()
    }

    @Test("show --follow prints the journal as it grows and exits with the deployment's exit code", arguments: SharedStore.available)
    func follow(store: SharedStore) throws {
        let (state, environment) = try store.make()
        let project = try Project(config: config(state))
        let good = try GantryBinary.start(["deploy", "production", "--release", "1.0"], in: project.directory, environment: environment)
        let id = try newest(project, environment)
        let followed = try project.gantry("show", id, "--follow", environment: environment)
        #expect(good.wait().status == 0)
        #expect(followed.status == 0, "\(followed.output)")
        let text = followed.stdout
        let start = try #require(text.range(of: "start 1.0"))
        let done = try #require(text.range(of: "done 1.0"))
        #expect(start.upperBound < done.lowerBound)
        #expect(text.hasSuffix("production 1.0: succeeded — release 1.0 deployed; no checks are configured, so nothing was verified\n"), "\(text)")

        let bad = try GantryBinary.start(["deploy", "production", "--release", "bad"], in: project.directory, environment: environment)
        Thread.sleep(forTimeInterval: 0.3)
        let badID = try newest(project, environment)
        #expect(badID != id)
        let failed = try project.gantry("show", badID, "--follow", environment: environment)
        #expect(bad.wait().status == 1)
        #expect(failed.status == 1, "the follower exits as the deployment did: \(failed.output)")
        #expect(failed.stdout.contains("back to 1.0") && failed.stdout.contains("rolled_back [command_failed]"))
        #expect(try project.gantry("show", id, "--follow", "--json").status == 2)
    }

    @Test("show ENV --follow follows the deployment running in ENV, or waits for the next one to start", arguments: SharedStore.available)
    func followEnvironment(store: SharedStore) throws {
        let (state, environment) = try store.make()
        let project = try Project(config: config(state))
        // Running now: followed at once.
        let running = try GantryBinary.start(["deploy", "production", "--release", "1.0"], in: project.directory, environment: environment)
        _ = try newest(project, environment)
        let followed = try project.gantry("show", "production", "--follow", environment: environment)
        #expect(running.wait().status == 0)
        #expect(followed.status == 0, "\(followed.output)")
        #expect(followed.stdout.contains("done 1.0") && followed.stdout.contains("production 1.0: succeeded"), "\(followed.stdout)")
        // Nothing running: it waits for the next deployment, then follows that one.
        let waiting = try GantryBinary.start(["show", "production", "--follow"], in: project.directory, environment: environment)
        Thread.sleep(forTimeInterval: 0.8)
        #expect(waiting.process.isRunning, "it waits for the next deployment")
        #expect(try project.gantry("deploy", "production", "--release", "bad", environment: environment).status == 1)
        let next = waiting.wait()
        #expect(next.status == 1, "it exits as the deployment it followed did: \(next.output)")
        #expect(next.stdout.contains("waiting for the next deployment of production to start"))
        #expect(next.stdout.contains("start bad") && next.stdout.contains("production bad: rolled_back"), "\(next.stdout)")
    }

    @Test("status --watch shows a deployment start and end", arguments: SharedStore.available)
    func watch(store: SharedStore) throws {
        let (state, environment) = try store.make()
        let project = try Project(config: config(state))
        let watcher = try GantryBinary.start(["status", "--watch", "--interval", "200ms"], in: project.directory, environment: environment)
        Thread.sleep(forTimeInterval: 0.5)
        #expect(try project.gantry("deploy", "production", "--release", "2.0", environment: environment).status == 0)
        Thread.sleep(forTimeInterval: 0.6)
        watcher.process.interrupt()
        let seen = watcher.wait().stdout
        #expect(seen.contains("last:       no deployments yet"), "\(seen.prefix(400))")
        #expect(seen.contains("last:       2.0 running"))
        #expect(seen.contains("last:       2.0 succeeded"))
        #expect(try project.gantry("status", "--watch", "--interval", "1ms").status == 2)
    }
}
