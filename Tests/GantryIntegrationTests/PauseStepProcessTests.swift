import Foundation
import Testing

/// Pause steps in `rollout.batches` through the gantry command, on SQLite and the shared
/// PostgreSQL, with the promote coming from another host than the paused deploy.
@Suite("rollout pause steps across hosts", .serialized, .enabled(if: SimulatedHost.required))
struct PauseStepProcessTests {
    func config(_ state: String, onPause: String, bake: String = "0s") -> String {
        """
        version: 1
        \(state)
        environments:
          production:
            targets: [web-01, web-02, web-03, web-04]
            deploy: { command: [/bin/sh, -c, 'echo "deploy $0 $1 $(hostname)" >> commands.log', "{release}", "{targets}"] }
            rollback: { command: [/bin/sh, -c, 'echo "rollback $0 $1 $(hostname)" >> commands.log', "{release}", "{targets}"] }
            checks:
              - { name: ok, command: { command: ["true"] } }
            rollout: { batches: [1, pause, "50%", pause: 1s, "100%"], bake: \(bake), pause_timeout: 60s, on_pause: \(onPause) }
        """
    }

    func commands(_ project: Project) -> [String] {
        (project.read("commands.log") ?? "").split(separator: "\n").map(String.init)
    }

    func status(_ project: Project, _ environment: [String: String]) throws -> [String: Any] {
        try #require((try project.json("status", environment: environment)["environments"] as? [[String: Any]])?.first)
    }

    @Test("on_pause: exit: runner-a's deploy stops at the pause step after the canary (exit 5); runner-b's gantry promote deploys the rest, waiting out the timed step", arguments: SharedStore.available)
    func promoteFromAnotherHost(_ store: SharedStore) throws {
        let (state, environment) = try store.make()
        let project = try Project(config: config(state, onPause: "exit"))
        let a = SimulatedHost(name: "runner-a")
        let b = SimulatedHost(name: "runner-b")
        let paused = try a.run(["deploy", "production", "--release", "1.0"], in: project, environment: environment)
        #expect(paused.status == 5, "\(paused.output)")
        #expect(commands(project) == ["deploy 1.0 web-01 runner-a"])
        let rollout = try #require(try status(project, environment)["rollout"] as? [String: Any])
        #expect(rollout["batch"] as? Int == 1)
        #expect((rollout["paused"] as? String)?.contains("pause step: held until 'gantry promote'") == true, "\(rollout)")
        let promoted = try b.run(["promote", "production", "--reason", "canary looks fine"], in: project, environment: environment)
        #expect(promoted.status == 0, "\(promoted.output)")
        #expect(promoted.output.contains("the pause step's 1s passed"), "\(promoted.output)")
        #expect(commands(project) == ["deploy 1.0 web-01 runner-a", "deploy 1.0 web-02 runner-b", "deploy 1.0 web-03,web-04 runner-b"])
        #expect(try status(project, environment)["current"] as? String == "1.0")
        let shown = try project.gantry("show", "production", environment: environment)
        #expect(shown.stdout.contains("promoted by"), "\(shown.stdout)")
    }

    @Test("on_pause: wait: gantry promote --full from another host goes on without the remaining pause step and bakes, every batch checked; abort at a pause step rolls back", arguments: SharedStore.available)
    func fullAndAbort(_ store: SharedStore) throws {
        let (state, environment) = try store.make()
        // Each batch but the last bakes 3s; after --full, none does.
        let project = try Project(config: config(state, onPause: "wait", bake: "3s"))
        let a = SimulatedHost(name: "runner-a")
        let b = SimulatedHost(name: "runner-b")
        for (release, decision) in [("1.0", ["promote", "--full"]), ("2.0", ["abort"])] {
            try? FileManager.default.removeItem(at: project.directory.appendingPathComponent("commands.log"))
            let deploying = try a.start(["deploy", "production", "--release", release], in: project, environment: environment)
            let deadline = Date().addingTimeInterval(30)
            var held = false
            while !held, Date() < deadline {
                let rollout = (try? status(project, environment))?["rollout"] as? [String: Any]
                held = (rollout?["paused"] as? String)?.contains("pause step") == true
                if !held { Thread.sleep(forTimeInterval: 0.1) }
            }
            try #require(held, "the rollout of \(release) never reached its pause step")
            let decided = try b.run(decision + ["production"], in: project, environment: environment)
            #expect(decided.status == 0, "\(decided.output)")
            let result = deploying.wait()
            if decision.first == "promote" {
                #expect(result.status == 0, "\(result.output)")
                #expect(commands(project) == ["deploy 1.0 web-01 runner-a", "deploy 1.0 web-02 runner-a", "deploy 1.0 web-03,web-04 runner-a"])
                #expect(result.output.contains("baking batch 1/3"), "\(result.output)")
                #expect(!result.output.contains("baking batch 2/3"), "no bake after --full: \(result.output)")
                #expect(!result.output.contains("pause step: held for 1s"), "the timed step was skipped: \(result.output)")
                #expect(result.output.contains("promoted in full (no more pauses or bakes)"), "\(result.output)")
            } else {
                #expect(result.status == 1, "\(result.output)")
                #expect(commands(project) == ["deploy 2.0 web-01 runner-a", "rollback 1.0 web-01 runner-a"])
            }
        }
    }
}
