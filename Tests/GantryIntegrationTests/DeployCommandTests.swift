import Foundation
import Testing

@Suite("gantry deploy, as a user runs it", .serialized)
struct DeployCommandTests {
    let counting = shellConfig("echo run >> runs.log; echo \"deploying $1 as $GANTRY_ENVIRONMENT to $GANTRY_TARGETS\"")

    @Test("deploy succeeds, the same release is then skipped, --force deploys it again")
    func deploySkipForce() throws {
        let project = try Project(config: counting)
        let first = try project.gantry("deploy", "production", "--release", "1.0.0")
        #expect(first.status == 0, "\(first.output)")
        #expect(first.stdout.contains("deploying 1.0.0 as production to 127.0.0.1"))
        #expect(first.stdout.contains("succeeded"))
        #expect(project.read("runs.log") == "run\n")

        let second = try project.gantry("deploy", "production", "--release", "1.0.0")
        #expect(second.status == 0)
        #expect(second.stdout.contains("skipped"))
        #expect(project.read("runs.log") == "run\n")

        let forced = try project.gantry("deploy", "production", "--release", "1.0.0", "--force")
        #expect(forced.status == 0)
        #expect(project.read("runs.log") == "run\nrun\n")

        let status = try project.json("status", "production")
        let environment = try #require((status["environments"] as? [[String: Any]])?.first)
        #expect(environment["current"] as? String == "1.0.0")
        #expect(environment["last_good"] as? String == "1.0.0")
        let history = try project.json("history", "production")
        let outcomes = (history["deployments"] as? [[String: Any]])?.compactMap { $0["outcome"] as? String }
        #expect(outcomes == ["succeeded", "skipped", "succeeded"])
    }

    @Test("deploy --json prints a stable result document")
    func deployJSON() throws {
        let project = try Project(config: counting)
        let result = try project.json("deploy", "production", "--release", "2.0")
        #expect(result["outcome"] as? String == "succeeded")
        #expect(result["exit_code"] as? Int == 0)
        #expect(result["release"] as? String == "2.0")
        let id = try #require(result["id"] as? String)
        let shown = try project.json("show", id)
        let kinds = (shown["journal"] as? [[String: Any]])?.compactMap { $0["kind"] as? String } ?? []
        #expect(kinds.first == "deployment_started")
        #expect(kinds.contains("command_started"))
        #expect(kinds.last == "deployment_finished")
    }

    @Test("--dry-run and plan change nothing: no state, no lock, no process")
    func dryRunChangesNothing() throws {
        let project = try Project(config: counting)
        for arguments in [["deploy", "production", "--release", "1.0", "--dry-run"], ["plan", "production", "--release", "1.0"]] {
            let result = try GantryBinary.run(arguments, in: project.directory, environment: ["DEPLOY_TOKEN": "tok"])
            #expect(result.status == 0, "\(result.output)")
            #expect(result.stdout.contains("/bin/sh -c"))
            #expect(result.stdout.contains("1.0"))
        }
        #expect(!project.exists(".gantry"))
        #expect(!project.exists("runs.log"))
        // With existing state, the plan reads it but still changes nothing.
        _ = try project.gantry("deploy", "production", "--release", "1.0")
        let before = project.stateBytes()
        let plan = try project.gantry("plan", "production", "--release", "1.0")
        #expect(plan.stdout.contains("skip"))
        #expect(project.stateBytes() == before)
        #expect(project.read("runs.log") == "run\n")
    }

    @Test("a failing deploy command ends failed with exit 4 and keeps the last good release")
    func failingCommand() throws {
        let project = try Project(config: shellConfig("if [ \"$1\" = 2.0 ]; then echo 'migration failed' >&2; exit 3; fi; echo ok"))
        #expect(try project.gantry("deploy", "production", "--release", "1.0").status == 0)
        let failed = try project.gantry("deploy", "production", "--release", "2.0")
        #expect(failed.status == 4)
        #expect(failed.stdout.contains("migration failed"))
        #expect(failed.stdout.contains("exited with status 3"))
        #expect(failed.stdout.contains("needs a person"))
        let status = try project.json("status")
        let environment = try #require((status["environments"] as? [[String: Any]])?.first)
        #expect(environment["current"] as? String == "1.0")
        // The failed release is not considered live: deploying 1.0 again runs.
        let again = try project.gantry("deploy", "production", "--release", "1.0")
        #expect(again.stdout.contains("succeeded"))
    }

    @Test("a command that times out is killed together with its children")
    func timeoutKillsChildren() throws {
        let script = "sh -c 'trap \"\" TERM; echo $$ > child.pid; sleep 60' & sleep 60"
        let project = try Project(config: shellConfig(script, timeout: "1s", grace: "500ms"))
        let started = Date()
        let result = try project.gantry("deploy", "production", "--release", "1.0")
        #expect(Date().timeIntervalSince(started) < 15)
        #expect(result.status == 4, "\(result.output)")
        #expect(result.stdout.contains("timed out"))
        let childPID = try #require(Int32(project.read("child.pid")?.trimmingCharacters(in: .whitespacesAndNewlines) ?? ""))
        #expect(processIsGone(childPID))
        let history = try project.json("history", "production")
        let reason = (history["deployments"] as? [[String: Any]])?.first?["reason"] as? String
        #expect(reason?.contains("timed out") == true)
    }

    @Test("a secret printed by the deploy command appears nowhere: output, history, journal, database")
    func secretNeverLeaks() throws {
        let secret = "hunter2-\(UUID().uuidString.prefix(8))"
        let script = "echo \"token=$DEPLOY_TOKEN\"; echo \"stderr $DEPLOY_TOKEN\" >&2; echo \"arg $1\"; exit 5"
        let config = """
            version: 1
            environments:
              production:
                secrets: [DEPLOY_TOKEN]
                deploy:
                  command: [/bin/sh, -c, \(jsonString(script)), deploy, "${DEPLOY_TOKEN}"]
            """
        let project = try Project(config: config)
        let environment = ["DEPLOY_TOKEN": secret]
        var everything = ""
        for arguments in [["deploy", "production", "--release", "1.0"], ["deploy", "production", "--release", "1.0", "--json"], ["plan", "production", "--release", "1.0"]] {
            let result = try GantryBinary.run(arguments, in: project.directory, environment: environment)
            everything += result.output
        }
        let github = try GantryBinary.run(["deploy", "production", "--release", "1.0"], in: project.directory, environment: environment.merging(["GITHUB_ACTIONS": "true"]) { $1 })
        #expect(github.stdout.hasPrefix("::add-mask::\(secret)\n"))
        everything += String(github.stdout.dropFirst("::add-mask::\(secret)\n".count)) + github.stderr
        let history = try project.gantry("history", "production", "--json")
        everything += history.output
        let ids = ((try project.json("history", "production"))["deployments"] as? [[String: Any]])?.compactMap { $0["id"] as? String } ?? []
        for id in ids {
            everything += try project.gantry("show", id).output
            everything += try project.gantry("show", id, "--json").output
        }
        #expect(everything.contains("token=***"))
        #expect(everything.contains("stderr ***"))
        #expect(everything.contains("arg ***"))
        #expect(!everything.contains(secret))
        let bytes = project.stateBytes(index: true)
        #expect(!bytes.isEmpty)
        #expect(bytes.range(of: Data(secret.utf8)) == nil, "the secret is in the state database")
    }

    @Test("a held lock: --wait 0s refuses with exit 3 naming the holder; the default waits its turn")
    func lockHeld() throws {
        let project = try Project(config: shellConfig("touch started; sleep 2; echo done"))
        let first = try GantryBinary.start(["deploy", "production", "--release", "1.0", "--runner", "primary"], in: project.directory)
        let deadline = Date().addingTimeInterval(10)
        while !project.exists("started"), Date() < deadline { Thread.sleep(forTimeInterval: 0.05) }
        let refused = try project.gantry("deploy", "production", "--release", "2.0", "--wait", "0s")
        #expect(refused.status == 3, "\(refused.output)")
        #expect(refused.stdout.contains("locked by runner primary"))
        let status = try project.gantry("status")
        #expect(status.stdout.contains("held"))
        let waiting = try project.gantry("deploy", "production", "--release", "2.0")
        #expect(waiting.status == 0, "\(waiting.output)")
        #expect(first.wait().status == 0)
        let history = try project.json("history", "production")
        let outcomes = (history["deployments"] as? [[String: Any]])?.compactMap { "\($0["release"] as? String ?? ""):\($0["outcome"] as? String ?? "")" }
        #expect(outcomes == ["2.0:succeeded", "2.0:refused", "1.0:succeeded"])
    }

    @Test("SIGTERM stops the deploy command, records interrupted, releases the lock, exits 143")
    func interruption() throws {
        let project = try Project(config: shellConfig("echo $$ > leader.pid; sleep 60", grace: "2s"))
        let running = try GantryBinary.start(["deploy", "production", "--release", "1.0"], in: project.directory)
        let deadline = Date().addingTimeInterval(10)
        while !project.exists("leader.pid"), Date() < deadline { Thread.sleep(forTimeInterval: 0.05) }
        Thread.sleep(forTimeInterval: 0.2)
        running.process.terminate()
        let result = running.wait()
        #expect(result.status == 143, "\(result.output)")
        let leader = try #require(Int32(project.read("leader.pid")?.trimmingCharacters(in: .whitespacesAndNewlines) ?? ""))
        #expect(processIsGone(leader))
        let history = try project.json("history", "production")
        #expect((history["deployments"] as? [[String: Any]])?.first?["outcome"] as? String == "interrupted")
        let status = try project.json("status")
        #expect((status["environments"] as? [[String: Any]])?.first?["lock"] is NSNull)
    }

    @Test("on GitHub Actions: masks first, a group per step, output fenced by stop-commands, an error and a summary with the top finding")
    func githubActions() throws {
        let project = try Project(config: shellConfig("echo '::error::forged by the deploy script'; exit 2", secrets: true))
        let summary = project.directory.appendingPathComponent("summary.md").path
        let outputs = project.directory.appendingPathComponent("outputs.txt").path
        let result = try project.gantry("deploy", "production", "--release", "1.0", environment: [
            "GITHUB_ACTIONS": "true", "GITHUB_STEP_SUMMARY": summary, "GITHUB_OUTPUT": outputs, "DEPLOY_TOKEN": "abc%def",
        ])
        #expect(result.status == 4)
        let lines = result.stdout.split(separator: "\n").map(String.init)
        #expect(lines.first == "::add-mask::abc%25def")
        #expect(lines.contains { $0.hasPrefix("::group::deploy") })
        let stop = try #require(lines.firstIndex { $0.hasPrefix("::stop-commands::") })
        let token = String(lines[stop].dropFirst("::stop-commands::".count))
        #expect(token.count >= 16)
        let forged = try #require(lines.firstIndex { $0.hasSuffix(" ::error::forged by the deploy script") && !$0.hasPrefix("::") })
        let resume = try #require(lines.firstIndex(of: "::\(token)::"))
        #expect(stop < forged && forged < resume)
        // The annotation and the summary lead with diagnose's top finding: code, summary, next step.
        let annotation = try #require(lines.first { $0.hasPrefix("::error title=gantry deploy production 1.0%3A failed [command_failed]::") }, "\(result.stdout)")
        #expect(annotation.contains("Next: gantry show "))
        let markdown = try String(contentsOfFile: summary, encoding: .utf8)
        #expect(markdown.contains("| production | 1.0 | failed |"))
        #expect(markdown.contains("**Likely cause:** `command_failed`"))
        #expect(markdown.contains("**Next:** gantry show "))
        let written = try String(contentsOfFile: outputs, encoding: .utf8).split(separator: "\n").map(String.init)
        #expect(written.contains("outcome=failed") && written.contains("reason-code=no_rollback_path") && written.contains("exit-code=4"), "\(written)")
        #expect(written.contains { $0.hasPrefix("deployment-id=") && $0.count > 20 })
    }
}

/// Whether a process is gone (or a zombie nobody reaped yet).
func processIsGone(_ pid: Int32, within seconds: Double = 3) -> Bool {
    let deadline = Date().addingTimeInterval(seconds)
    repeat {
        if kill(pid, 0) != 0 { return true }
        if let stat = try? String(contentsOfFile: "/proc/\(pid)/stat", encoding: .utf8), let close = stat.lastIndex(of: ")"),
           stat[stat.index(after: close)...].trimmingCharacters(in: .whitespaces).hasPrefix("Z") {
            return true
        }
        Thread.sleep(forTimeInterval: 0.02)
    } while Date() < deadline
    return false
}
