import Foundation
import GantryCore
import GantryExec
import Testing

@Suite("process runner")
struct SubprocessCommandRunnerTests {
    let runner = SubprocessCommandRunner()

    func invocation(_ argv: [String], timeout: Duration = .seconds(30), grace: Duration = .seconds(2), environment: [String: String] = [:], directory: String = "/") -> CommandInvocation {
        CommandInvocation(argv: argv, display: argv, environment: environment, workingDirectory: directory, timeout: timeout, grace: grace)
    }

    func collect(_ invocation: CommandInvocation) async throws -> (CommandResult, [String]) {
        let lines = LineCollector()
        let result = try await runner.run(invocation) { await lines.add($0.text) }
        return (result, await lines.lines)
    }

    @Test("stdout and stderr stream as lines; the exit status is kept")
    func outputAndStatus() async throws {
        let (result, lines) = try await collect(invocation(["/bin/sh", "-c", "echo one; echo two >&2; printf 'no newline'; exit 3"]))
        #expect(result.termination == .exited(3))
        #expect(lines == ["one", "two", "no newline"])
    }

    @Test("a line longer than 64 KiB passes in pieces and the command runs to its end")
    func longLine() async throws {
        let (result, lines) = try await collect(invocation(["/bin/sh", "-c", "head -c 70000 /dev/zero | tr '\\000' x; echo; sleep 0.1; echo finished"]))
        #expect(result.termination == .exited(0))
        #expect(lines.last == "finished")
        #expect(lines.dropLast().joined().count == 70000)
    }

    @Test("arguments pass through untouched, with no shell")
    func argvIsNotAShellLine() async throws {
        let (_, lines) = try await collect(invocation(["/usr/bin/printf", "%s\\n", "$(id)", "a b;c", "'q'"]))
        #expect(lines == ["$(id)", "a b;c", "'q'"])
    }

    @Test("environment additions and the working directory reach the command")
    func environmentAndDirectory() async throws {
        let directory = FileManager.default.temporaryDirectory.path
        let (_, lines) = try await collect(invocation(["/bin/sh", "-c", "echo $GANTRY_RELEASE; pwd"], environment: ["GANTRY_RELEASE": "1.2.3"], directory: directory))
        #expect(lines.first == "1.2.3")
        #expect(lines.last.map { URL(fileURLWithPath: $0).resolvingSymlinksInPath().path } == URL(fileURLWithPath: directory).resolvingSymlinksInPath().path)
    }

    @Test("a bare program name is found on PATH")
    func pathLookup() async throws {
        let (result, lines) = try await collect(invocation(["echo", "hi"]))
        #expect(result.termination == .exited(0))
        #expect(lines == ["hi"])
    }

    @Test("a program that does not exist is a launch error")
    func launchError() async throws {
        await #expect(throws: CommandLaunchError.self) {
            _ = try await runner.run(invocation(["/nonexistent/deploy.sh"])) { _ in }
        }
        await #expect(throws: CommandLaunchError.self) {
            _ = try await runner.run(invocation(["gantry-no-such-tool-xyz"])) { _ in }
        }
    }

    @Test("a timeout stops the command and the children it started, even ones that ignore SIGTERM")
    func timeoutKillsGroup() async throws {
        let pidFile = FileManager.default.temporaryDirectory.appendingPathComponent("gantry-child-\(UUID().uuidString)").path
        let script = "sh -c 'trap \"\" TERM; sleep 60' & echo $! > \(pidFile); sleep 60"
        let started = ContinuousClock.now
        let (result, _) = try await collect(invocation(["/bin/sh", "-c", script], timeout: .milliseconds(500), grace: .milliseconds(500)))
        let elapsed = ContinuousClock.now - started
        #expect(result.termination == .timedOut)
        #expect(elapsed < .seconds(10))
        let childPID = try #require(Int32(String(contentsOfFile: pidFile, encoding: .utf8).trimmingCharacters(in: .whitespacesAndNewlines)))
        #expect(await ProcessProbe.isGone(childPID), "the child that ignored SIGTERM survived")
    }

    @Test("a guard killed alone: gantry stands in and stops the command by the guard's deadline")
    func guardStandIn() async throws {
        // The guard gantry starts: the one built beside the tests' gantry.
        let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
        let guardPath = ProcessInfo.processInfo.environment["GANTRY_BIN"].map { URL(fileURLWithPath: $0).deletingLastPathComponent().appendingPathComponent("gantry-lease-guard").path }
            ?? root.appendingPathComponent(".build/debug/gantry-lease-guard").path
        try #require(FileManager.default.isExecutableFile(atPath: guardPath), "no guard at \(guardPath)")
        // As gantry does: a heartbeat written to a guard that is gone costs an EPIPE, not the process.
        signal(SIGPIPE, SIG_IGN)
        let guarded = SubprocessCommandRunner(guardCommand: (guardPath, []))
        // A lease whose renewals never come (gantry cut off from the store): the guard's
        // deadlines are 2 s (SIGTERM) and 2.7 s (SIGKILL) after this send.
        let watch = LeaseWatch(sentAt: MachineClock.nanoseconds())
        let pidFile = FileManager.default.temporaryDirectory.appendingPathComponent("gantry-unguarded-\(UUID().uuidString)").path
        var command = invocation(["/bin/sh", "-c", "trap '' TERM; echo $$ > \(pidFile); sleep 60 & wait; sleep 60"], timeout: .seconds(60), grace: .milliseconds(300))
        command.leaseGuard = LeaseGuardSpec(watch: watch, timing: LeaseGuardTiming(lease: .seconds(3), grace: .milliseconds(300)))
        let started = ContinuousClock.now
        let result = try await guarded.run(command, onStart: { pid in
            // The guard is the direct child: killed alone, its command runs on.
            try? await Task.sleep(for: .milliseconds(300))
            kill(pid, SIGKILL)
        }, output: { _ in })
        let elapsed = ContinuousClock.now - started
        #expect(elapsed < .seconds(6), "the command ran on unguarded for \(elapsed)")
        #expect(result.termination != .exited(0))
        let commandPID = try #require(Int32(String(contentsOfFile: pidFile, encoding: .utf8).trimmingCharacters(in: .whitespacesAndNewlines)))
        #expect(await ProcessProbe.isGone(commandPID), "the command outlived its guard unguarded (\(result.termination), after \(elapsed))")
    }

    @Test("cancelling the task stops the command and reports cancellation")
    func cancellation() async throws {
        let (spawned, spawning) = AsyncStream.makeStream(of: Int32.self)
        let task = Task { try await runner.run(invocation(["/bin/sleep", "30"], grace: .milliseconds(500)), onStart: { spawning.yield($0) }, output: { _ in }) }
        // Cancelled once the command runs, as the runner reports, not after a guessed pause.
        for await _ in spawned { break }
        let started = ContinuousClock.now
        task.cancel()
        let result = try await task.value
        #expect(result.termination == .cancelled)
        #expect(ContinuousClock.now - started < .seconds(5))
    }
}

actor LineCollector {
    var lines: [String] = []
    func add(_ line: String) { lines.append(line) }
}

/// Whether a process is gone: no such pid, or only a zombie waiting for its (new) parent.
enum ProcessProbe {
    static func isGone(_ pid: Int32, within limit: Duration = .seconds(2)) async -> Bool {
        let deadline = ContinuousClock.now + limit
        repeat {
            if kill(pid, 0) != 0 { return true }
            if let stat = try? String(contentsOfFile: "/proc/\(pid)/stat", encoding: .utf8),
               let close = stat.lastIndex(of: ")"),
               stat[stat.index(after: close)...].trimmingCharacters(in: .whitespaces).hasPrefix("Z") {
                return true
            }
            try? await Task.sleep(for: .milliseconds(20))
        } while ContinuousClock.now < deadline
        return false
    }
}
