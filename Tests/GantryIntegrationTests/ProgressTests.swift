import Foundation
import Testing

/// Without a terminal (piped, any CI) a waiting deploy is never silent: a line when the wait
/// starts, naming the holder, and a heartbeat every --progress-interval.
@Suite("progress in plain logs", .serialized)
struct ProgressTests {
    @Test("a piped deploy waiting for the lock says so when it starts and keeps saying it, naming the holder")
    func lockWaitHeartbeats() throws {
        let script = "case $1 in *slow*) echo $$ > slow.pid; while [ ! -e release.flag ]; do sleep 0.1; done;; esac; echo deployed $1"
        let project = try Project(config: shellConfig(script))
        let holder = try GantryBinary.start(["deploy", "production", "--release", "1.0-slow"], in: project.directory, environment: ["USER": "alice"])
        let deadline = Date().addingTimeInterval(10)
        while !project.exists("slow.pid"), Date() < deadline { Thread.sleep(forTimeInterval: 0.05) }
        let waiter = try GantryBinary.start(["deploy", "production", "--release", "2.0", "--wait", "60s", "--progress-interval", "1s"], in: project.directory)
        // Three heartbeats' worth of waiting, then the holder finishes and the waiter runs.
        Thread.sleep(forTimeInterval: 3.6)
        try project.write("release.flag", "go")
        #expect(holder.wait().status == 0)
        let result = waiter.wait()
        #expect(result.status == 0, "\(result.output)")
        let lines = result.stdout.split(separator: "\n").map(String.init)
        let started = lines.filter { $0.contains("lock") && !$0.contains("still waiting") && $0.contains("waiting up to ") && $0.contains("production is locked by") && $0.contains("by alice") }
        #expect(started.count == 1, "\(result.stdout)")
        let beats = lines.filter { $0.contains("still waiting (") && $0.contains("production is locked by") && $0.contains("deployment ") }
        #expect(beats.count >= 2, "\(result.stdout)")
        #expect(result.stdout.contains("deployed 2.0"))
    }

    @Test("on GitHub Actions the same heartbeats, inside the lock step's group")
    func githubHeartbeats() throws {
        let script = "case $1 in *slow*) echo $$ > slow.pid; while [ ! -e release.flag ]; do sleep 0.1; done;; esac; echo deployed $1"
        let project = try Project(config: shellConfig(script))
        let holder = try GantryBinary.start(["deploy", "production", "--release", "1.0-slow"], in: project.directory)
        let deadline = Date().addingTimeInterval(10)
        while !project.exists("slow.pid"), Date() < deadline { Thread.sleep(forTimeInterval: 0.05) }
        let waiter = try GantryBinary.start(
            ["deploy", "production", "--release", "2.0", "--wait", "60s", "--progress-interval", "1s"], in: project.directory,
            environment: ["GITHUB_ACTIONS": "true"]
        )
        Thread.sleep(forTimeInterval: 2.6)
        try project.write("release.flag", "go")
        #expect(holder.wait().status == 0)
        let result = waiter.wait()
        #expect(result.status == 0, "\(result.output)")
        let lines = result.stdout.split(separator: "\n").map(String.init)
        let group = try #require(lines.firstIndex { $0.hasPrefix("::group::lock: waiting up to ") }, "\(result.stdout)")
        let end = try #require(lines[group...].firstIndex { $0 == "::endgroup::" })
        let beats = lines[group..<end].filter { $0.contains("still waiting (") && $0.contains("production is locked by") }
        #expect(beats.count >= 1, "\(result.stdout)")
    }
}
