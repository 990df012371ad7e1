import Foundation
import Testing

/// Retries, automatic rollback and `gantry rollback`, with a deploy that writes the release
/// into live.txt and a check that fails while an "unhealthy" release is live.
@Suite("rollback, as a user runs it", .serialized)
struct RollbackTests {
    func config(retry: String = "", extra: String = "", state: String = "") -> String {
        let deploy = "echo \"deploying $1\"; case $1 in *broken*) echo 'migration failed' >&2; exit 3;; *slow*) echo $$ > slow.pid; sleep 30;; esac; echo $1 > live.txt"
        let rollback = "echo \"rolling back to $1 ($GANTRY_ROLLBACK_TO, abandoning $GANTRY_FAILED_RELEASE)\"; echo $1 > live.txt"
        return """
            version: 1
            \(state)
            environments:
              production:
                deploy: { command: [/bin/sh, -c, \(jsonString(deploy)), deploy, "{release}"], grace: 1s }
                rollback: { command: [/bin/sh, -c, \(jsonString(rollback)), rollback, "{release}"] }
                check_defaults: { timeout: 2s, retries: 0 }
                checks:
                  - { name: live, command: { command: [/bin/sh, -c, "! grep -q unhealthy live.txt"] } }
            \(retry)
            \(extra)
            """
    }

    func current(_ project: Project, environment: [String: String] = [:]) throws -> String? {
        let status = try project.json("status", environment: environment)
        return (status["environments"] as? [[String: Any]])?.first?["current"] as? String
    }

    @Test("a release that fails its check is rolled back to the last good one: exit 1, current unchanged")
    func failingCheckRollsBack() throws {
        let project = try Project(config: config())
        #expect(try project.gantry("deploy", "production", "--release", "1.0").status == 0)
        let result = try project.gantry("deploy", "production", "--release", "2.0-unhealthy")
        #expect(result.status == 1, "\(result.output)")
        #expect(result.stdout.contains("rolling back to 1.0 (1.0, abandoning 2.0-unhealthy)"))
        #expect(result.stdout.contains("rolled back to 1.0 and verified"))
        #expect(project.read("live.txt") == "1.0\n")
        #expect(try current(project) == "1.0")
        let status = try project.json("status")
        #expect((status["environments"] as? [[String: Any]])?.first?["lock"] is NSNull)
        let json = try project.json("deploy", "production", "--release", "3.0-unhealthy")
        #expect(json["outcome"] as? String == "rolled_back")
        #expect(json["rolled_back_to"] as? String == "1.0")
        #expect(json["exit_code"] as? Int == 1)
    }

    @Test("retryable failures are retried, then rolled back; the journal shows every attempt")
    func retriesThenRollback() throws {
        let project = try Project(config: config(retry: "    retry: { attempts: 3, backoff: 50ms, max_backoff: 100ms, retry_on: [\"exit:3\"] }"))
        #expect(try project.gantry("deploy", "production", "--release", "1.0").status == 0)
        let result = try project.json("deploy", "production", "--release", "2.0-broken")
        #expect(result["outcome"] as? String == "rolled_back")
        #expect(result["attempts"] as? Int == 3)
        let id = try #require(result["id"] as? String)
        let journal = try #require((try project.json("show", id))["journal"] as? [[String: Any]])
        let commands = journal.filter { $0["kind"] as? String == "command_finished" }.map { "\($0["step"] as? String ?? "")#\($0["attempt"] as? Int ?? 0):\($0["exit_code"] as? Int ?? -1)" }
        #expect(commands == ["deploy#1:3", "deploy#2:3", "deploy#3:3", "rollback#1:0"])
        #expect(journal.filter { $0["kind"] as? String == "retry_scheduled" }.count == 2)
    }

    @Test("with no last good release there is nothing to roll back to: exit 4, a person is needed")
    func noLastGood() throws {
        let project = try Project(config: config())
        let result = try project.gantry("deploy", "production", "--release", "1.0-broken")
        #expect(result.status == 4)
        #expect(result.stdout.contains("there is no last good release to roll back to"))
        #expect(result.stdout.contains("needs a person"))
        #expect(try current(project) == nil)
    }

    @Test("gantry rollback without --to goes back to the release before the current one, and says so; again, it alternates; on either store", arguments: SharedStore.available)
    func rollbackGoesBack(store: SharedStore) throws {
        let (state, environment) = try store.make()
        let project = try Project(config: config(state: state))
        #expect(try project.gantry("deploy", "production", "--release", "1.0", environment: environment).status == 0)
        #expect(try project.gantry("deploy", "production", "--release", "2.0", environment: environment).status == 0)
        let plan = try project.gantry("plan", "production", "--rollback", environment: environment)
        #expect(plan.status == 0, "\(plan.output)")
        #expect(plan.stdout.contains("Plan: roll production back to 1.0"))
        #expect(plan.stdout.contains("go back from 2.0 to 1.0: 1.0 is the newest release before 2.0 that was verified live"))
        let dryRun = try project.json("rollback", "production", "--dry-run", environment: environment)
        #expect(dryRun["release"] as? String == "1.0")
        #expect(project.read("live.txt") == "2.0\n", "a plan changes nothing")
        let back = try project.gantry("rollback", "production", environment: environment)
        #expect(back.status == 0, "\(back.output)")
        #expect(back.stderr.contains("Going back to 1.0: 1.0 is the newest release before 2.0 that was verified live (deployment "))
        #expect(back.stdout.contains("rolled back to 1.0 and verified"))
        #expect(project.read("live.txt") == "1.0\n")
        #expect(try current(project, environment: environment) == "1.0")
        // As Helm's rollback: the previous release, which is now 2.0.
        let again = try project.json("rollback", "production", environment: environment)
        #expect(again["outcome"] as? String == "succeeded")
        #expect(again["release"] as? String == "2.0")
        #expect(project.read("live.txt") == "2.0\n")
        let history = try project.json("history", "production", environment: environment)
        #expect((history["deployments"] as? [[String: Any]])?.first?["kind"] as? String == "rollback")
    }

    @Test("gantry rollback --to a named release; the live release is skipped; with nothing verified before, exit 2 and why")
    func rollbackToAndNothingBefore() throws {
        let project = try Project(config: config())
        #expect(try project.gantry("deploy", "production", "--release", "1.0").status == 0)
        let only = try project.gantry("rollback", "production")
        #expect(only.status == 2)
        #expect(only.stderr.contains("production has no release verified live before 1.0 (its current one)"))
        #expect(try project.gantry("deploy", "production", "--release", "1.1").status == 0)
        let back = try project.gantry("rollback", "production", "--to", "1.0")
        #expect(back.status == 0, "\(back.output)")
        #expect(project.read("live.txt") == "1.0\n")
        let live = try project.gantry("rollback", "production", "--to", "1.0")
        #expect(live.status == 0)
        #expect(live.stdout.contains("skipped"))
        let none = try Project(config: config())
        let nothing = try none.gantry("rollback", "production")
        #expect(nothing.status == 2)
        #expect(nothing.stderr.contains("production has no release verified live yet"))
    }

    @Test("gantry rollback with a listed secret unset is refused (exit 3, the name only) unless --force")
    func rollbackPreflight() throws {
        let project = try Project(config: config(extra: "    secrets: [ROLLBACK_TOKEN]"))
        let token = ["ROLLBACK_TOKEN": "s3cret-value"]
        #expect(try project.gantry("deploy", "production", "--release", "1.0", environment: token).status == 0)
        #expect(try project.gantry("deploy", "production", "--release", "2.0", environment: token).status == 0)
        let refused = try project.json("rollback", "production", environment: ["ROLLBACK_TOKEN": ""])
        #expect(refused["outcome"] as? String == "refused")
        #expect(refused["exit_code"] as? Int == 3)
        #expect(refused["reason_code"] as? String == "preflight_secret_missing")
        #expect((refused["reason"] as? String)?.contains("ROLLBACK_TOKEN") == true)
        #expect(project.read("live.txt") == "2.0\n", "nothing ran")
        let forced = try project.gantry("rollback", "production", "--force", environment: ["ROLLBACK_TOKEN": ""])
        #expect(forced.status == 0, "\(forced.output)")
        #expect(project.read("live.txt") == "1.0\n")
    }

    @Test("a failed deploy's automatic rollback still returns to the release live before it, not the one before that")
    func automaticRollbackTarget() throws {
        let project = try Project(config: config())
        #expect(try project.gantry("deploy", "production", "--release", "1.0").status == 0)
        #expect(try project.gantry("deploy", "production", "--release", "2.0").status == 0)
        let failed = try project.json("deploy", "production", "--release", "3.0-unhealthy")
        #expect(failed["outcome"] as? String == "rolled_back")
        #expect(failed["rolled_back_to"] as? String == "2.0")
        #expect(failed["reason_code"] as? String == "check_failed")
        #expect(project.read("live.txt") == "2.0\n")
    }

    @Test("SIGTERM during the deploy command: stopped, rolled back to last good, recorded interrupted, exit 143")
    func interruptRollsBack() throws {
        let project = try Project(config: config())
        #expect(try project.gantry("deploy", "production", "--release", "1.0").status == 0)
        let running = try GantryBinary.start(["deploy", "production", "--release", "2.0-slow"], in: project.directory)
        let deadline = Date().addingTimeInterval(10)
        while !project.exists("slow.pid"), Date() < deadline { Thread.sleep(forTimeInterval: 0.05) }
        Thread.sleep(forTimeInterval: 0.2)
        running.process.terminate()
        let result = running.wait()
        #expect(result.status == 143, "\(result.output)")
        #expect(result.stdout.contains("rolling back to 1.0"))
        #expect(project.read("live.txt") == "1.0\n")
        let history = try project.json("history", "production")
        let last = try #require((history["deployments"] as? [[String: Any]])?.first)
        #expect(last["outcome"] as? String == "interrupted")
        #expect((last["reason"] as? String)?.hasSuffix("rolled back to 1.0 and verified") == true)
    }
}
