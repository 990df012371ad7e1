package import GantryCore
import Subprocess
import SystemPackage
import Foundation
import GantryLeaseGuard
import Synchronization
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Runs commands with swift-subprocess, each in a new session (its own process group), so
/// that a timeout or an interruption stops the command and every process it started:
/// SIGTERM to the group, the grace period, then SIGKILL to the group.
///
/// Standard error is merged into standard output and streamed line by line; nothing is
/// buffered without bound.
///
/// A command with a `leaseGuard` runs under the lease guard (`LeaseGuardProcess`, started as
/// `guardCommand` says): its standard input carries the lease's heartbeats.
package struct SubprocessCommandRunner: CommandRunner {
    /// Longest line delivered whole; longer lines arrive in pieces (`OutputPiece.continues`).
    static let maxLineLength = 64 * 1024

    /// How the lease guard is started: the program, and the words before its own arguments.
    /// Nil runs guarded commands unguarded (tests of the runner alone).
    let guardCommand: (program: String, prefix: [String])?

    package init(guardCommand: (program: String, prefix: [String])? = nil) {
        self.guardCommand = guardCommand
    }

    /// The guard as gantry starts it: `gantry-lease-guard` beside this binary (small, so it
    /// starts fast), else this very binary in its internal mode (`/proc/self/exe` still
    /// names it after an upgrade replaced the file on disk).
    package static var installedGuard: (program: String, prefix: [String]) {
        if let own = try? FileManager.default.destinationOfSymbolicLink(atPath: "/proc/self/exe") {
            let sibling = PathText.join(PathText.directory(of: own), LeaseGuardProcess.executableName)
            if access(sibling, X_OK) == 0 { return (sibling, []) }
        }
        return ("/proc/self/exe", [LeaseGuardProcess.mode])
    }

    package func run(
        _ invocation: CommandInvocation, onStart: @escaping @Sendable (Int32) async -> Void,
        output: @escaping @Sendable (OutputPiece) async -> Void
    ) async throws(CommandLaunchError) -> CommandResult {
        let program = invocation.argv[0]
        var executable: Executable = program.contains("/") ? .path(FilePath(program)) : .name(program)
        var arguments = Array(invocation.argv.dropFirst())
        let guarded = guardCommand.flatMap { command in invocation.leaseGuard.map { (command, $0) } }
        if let (command, spec) = guarded {
            // Resolved here, so a missing program is still "could not start" (nothing ran)
            // rather than a guard that exits.
            let path = invocation.environment["PATH"] ?? ProcessInfo.processInfo.environment["PATH"] ?? "/usr/bin:/bin"
            guard let resolved = LocalProcessControl().findExecutable(program, path: path) else {
                let reason = program.contains("/") ? (FileManager.default.fileExists(atPath: program) ? "permission denied (is it executable?)" : "no such file") : "not found on PATH"
                throw CommandLaunchError(program: program, reason: reason)
            }
            executable = .path(FilePath(command.program))
            arguments = command.prefix + LeaseGuardProcess.arguments(
                termMilliseconds: spec.timing.term.milliseconds, killMilliseconds: spec.timing.kill.milliseconds,
                sentAt: spec.watch.lastConfirmed, graceMilliseconds: invocation.grace.milliseconds, program: resolved, arguments: arguments
            )
        }
        let beats = guarded?.1.watch
        var options = PlatformOptions()
        options.createSession = true
        options.teardownSequence = [.gracefulShutDown(toProcessGroup: true, allowedDurationToNextStep: invocation.grace)]
        var updates: [Environment.Key: String?] = [:]
        for (name, value) in invocation.environment {
            if let key = Environment.Key(rawValue: name) { updates[key] = value }
        }
        let clock = ContinuousClock()
        let start = clock.now
        let timeout = invocation.timeout
        let grace = invocation.grace
        let started = StartFlag()
        let deadlinePassed = Flag()
        do {
            let result = try await Subprocess.run(
                executable, arguments: Arguments(arguments),
                environment: .inherit.updating(updates), workingDirectory: FilePath(invocation.workingDirectory),
                platformOptions: options, input: .inputWriter, output: .sequence, error: .combinedWithOutput
            ) { execution in
                await started.set(execution.processIdentifier.value)
                // Registered until the process is reaped: after an interruption the body
                // returns while Subprocess still tears the command down.
                ActiveCommands.add(execution.processIdentifier.value)
                await onStart(execution.processIdentifier.value)
                let writer = execution.standardInputWriter
                return try await withThrowingTaskGroup(of: Race.self) { group in
                    if let beats {
                        group.addTask {
                            // Heartbeats to the guard until the command ends; a write that
                            // fails means the guard is gone, and so is the command.
                            for await beat in beats.beats() {
                                let line = switch beat {
                                case .renewed(let sentAt): "R \(sentAt)\n"
                                case .lost: "L\n"
                                }
                                do { _ = try await writer.write(line) } catch { break }
                            }
                            return .timerCancelled
                        }
                    } else {
                        try? await writer.finish()
                    }
                    group.addTask {
                        // Lines of any length: pieces of at most 64 KiB (swift-subprocess's
                        // own line splitting throws past its limit and would end the command).
                        var lines = OutputLines(pieceBytes: Self.maxLineLength)
                        for try await buffer in execution.standardOutput {
                            let pieces = buffer.withUnsafeBytes { lines.feed($0) }
                            for piece in pieces { await output(piece) }
                        }
                        if let last = lines.finish() { await output(last) }
                        return .outputEnded
                    }
                    group.addTask {
                        do { try await Task.sleep(for: timeout) } catch { return .timerCancelled }
                        // Marked before the signal: the output may end before this task's
                        // result is seen, and the timeout must still be reported.
                        await deadlinePassed.raise()
                        try? execution.send(signal: .terminate, toProcessGroup: true)
                        return .timedOut
                    }
                    while let event = try await group.next() {
                        switch event {
                        case .outputEnded:
                            group.cancelAll()
                            try? await writer.finish()
                            return await deadlinePassed.isRaised
                        case .timedOut:
                            group.addTask {
                                do { try await Task.sleep(for: grace) } catch { return .timerCancelled }
                                try? execution.send(signal: .kill, toProcessGroup: true)
                                return .killed
                            }
                        case .timerCancelled, .killed:
                            continue
                        }
                    }
                    return await deadlinePassed.isRaised
                }
            }
            if let group = await started.processGroup { ActiveCommands.remove(group) }
            if result.closureResult || Task.isCancelled, let group = await started.processGroup {
                await ProcessGroupReaper.reap(group, grace: grace)
            }
            let duration = clock.now - start
            if result.closureResult { return CommandResult(termination: .timedOut, duration: duration) }
            if Task.isCancelled { return CommandResult(termination: .cancelled, duration: duration) }
            switch result.terminationStatus {
            case .exited(let code): return CommandResult(termination: .exited(Int32(code)), duration: duration)
            case .signaled(let signal): return CommandResult(termination: .signaled(Int32(signal)), duration: duration)
            }
        } catch {
            if let group = await started.processGroup {
                await ProcessGroupReaper.reap(group, grace: grace)
                ActiveCommands.remove(group)
                return CommandResult(termination: Task.isCancelled ? .cancelled : .signaled(9), duration: clock.now - start)
            }
            throw CommandLaunchError(program: program, reason: Self.launchReason(error, program: program))
        }
    }

    private enum Race: Sendable {
        case outputEnded
        case timedOut
        case timerCancelled
        case killed
    }

    static func launchReason(_ error: any Error, program: String) -> String {
        let text = "\(error)"
        if text.contains("ENOENT") || text.lowercased().contains("not found") || text.contains("No such file") {
            return program.contains("/") ? "no such file" : "not found on PATH"
        }
        if text.contains("EACCES") || text.lowercased().contains("permission") {
            return "permission denied (is it executable?)"
        }
        return text
    }
}

/// The process groups of the commands running now, so a second interruption can kill them
/// all at once (`killAll`), from a signal handler's thread.
package enum ActiveCommands {
    private static let groups = Mutex<Set<pid_t>>([])

    static func add(_ group: pid_t) { groups.withLock { _ = $0.insert(group) } }
    static func remove(_ group: pid_t) { groups.withLock { _ = $0.remove(group) } }

    /// SIGKILL to every running command's process group (guards included).
    package static func killAll() {
        for group in groups.withLock({ $0 }) where group > 1 { kill(-group, SIGKILL) }
    }
}

/// The spawned process's id (which is also its process group's id, since it leads a new
/// session), or nil while nothing was spawned: tells a launch failure from a failure while
/// running.
private actor StartFlag {
    private(set) var processGroup: pid_t?
    func set(_ pid: pid_t) { processGroup = pid }
}

/// A flag raised once, read later: whether the timeout fired.
private actor Flag {
    private(set) var isRaised = false
    func raise() { isRaised = true }
}

/// Makes sure nothing of a stopped command's process group survives: processes that ignore
/// SIGTERM, or that kept running after the leader exited, get SIGKILL once the grace period
/// is over. Runs detached so an interrupted caller still waits for it.
enum ProcessGroupReaper {
    static func reap(_ group: pid_t, grace: Duration) async {
        await Task.detached {
            let deadline = ContinuousClock.now + grace
            while ProcessTable.groupIsRunning(group), ContinuousClock.now < deadline {
                try? await Task.sleep(for: .milliseconds(25))
            }
            if ProcessTable.groupIsRunning(group) { kill(-group, SIGKILL) }
        }.value
    }
}

/// Processes on this host, for leases and recovery.
package struct LocalProcessControl: ProcessControl {
    package init() {}

    package var hostName: String { ProcessInfoHost.name }

    package var identity: ProcessIdentity { LocalIdentity.current }

    package func isRunning(pid: Int32, startTime: UInt64?) -> Bool {
        guard pid > 0, ProcessTable.isRunning(pid) else { return false }
        guard let startTime, let actual = ProcessTable.startTime(pid) else { return true }
        return actual == startTime
    }

    package func startTime(of pid: Int32) -> UInt64? { ProcessTable.startTime(pid) }

    package func groupLeaderMatches(_ group: Int32, startTime: UInt64?) -> Bool {
        guard group > 1 else { return false }
        // A live leader must be the spawned process itself; a pid reused by another process
        // has another start time. With the leader gone, the kernel does not hand its pid to
        // a new process while members of its group remain, so the group is still the one.
        if let actual = ProcessTable.startTime(group), ProcessTable.isRunning(group) {
            return startTime == nil || actual == startTime
        }
        return true
    }

    package func stopGroup(_ group: Int32, grace: Duration) async {
        guard group > 1, ProcessTable.groupIsRunning(group) else { return }
        kill(-group, SIGTERM)
        await ProcessGroupReaper.reap(group, grace: grace)
    }

    package func findExecutable(_ name: String, path: String) -> String? {
        if name.contains("/") { return access(name, X_OK) == 0 ? name : nil }
        for directory in path.split(separator: ":") where !directory.isEmpty {
            let candidate = "\(directory)/\(name)"
            var isDirectory: ObjCBool = false
            if FileManager.default.fileExists(atPath: candidate, isDirectory: &isDirectory), !isDirectory.boolValue, access(candidate, X_OK) == 0 {
                return candidate
            }
        }
        return nil
    }

    package func stopProcesses(ofDeployment deployment: String, grace: Duration) async -> Int {
        let marker = Array("GANTRY_DEPLOYMENT_ID=\(deployment)".utf8)
        let me = getpid()
        var found: [pid_t] = []
        for entry in (try? FileManager.default.contentsOfDirectory(atPath: "/proc")) ?? [] {
            guard let pid = pid_t(entry), pid != me, let environ = FileManager.default.contents(atPath: "/proc/\(pid)/environ") else { continue }
            if environ.split(separator: 0).contains(where: { Array($0) == marker }) { found.append(pid) }
        }
        guard !found.isEmpty else { return 0 }
        for pid in found { kill(pid, SIGTERM) }
        let deadline = ContinuousClock.now + grace
        while found.contains(where: ProcessTable.isRunning), ContinuousClock.now < deadline {
            try? await Task.sleep(for: .milliseconds(25))
        }
        for pid in found where ProcessTable.isRunning(pid) { kill(pid, SIGKILL) }
        return found.count
    }
}

/// The host name Gantry records in leases (the same value `Origin.host` gets).
package enum ProcessInfoHost {
    package static var name: String {
        var buffer = [CChar](repeating: 0, count: 256)
        guard gethostname(&buffer, buffer.count) == 0 else { return "localhost" }
        return String(decoding: buffer.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self)
    }
}
