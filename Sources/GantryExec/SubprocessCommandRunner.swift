package import GantryCore
import Subprocess
import SystemPackage
import Foundation
import GantryLeaseGuard
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
                    if let spec = guarded?.1 {
                        let leader = execution.processIdentifier.value
                        group.addTask {
                            // The guard killed alone: gantry stands in for it.
                            await GuardStandIn.watch(guardPID: leader, group: leader, spec: spec, grace: grace)
                            return .timerCancelled
                        }
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
            } else if let spec = guarded?.1, let group = await started.processGroup, ProcessTable.groupIsRunning(group) {
                // The guard ended before its command (killed alone): nothing may outlive the
                // step. SIGTERM now, SIGKILL after the grace period or at the guard's own kill
                // deadline, whichever comes first, before the deployment goes on.
                kill(-group, SIGTERM)
                await ProcessGroupReaper.reap(group, grace: min(grace, GuardStandIn.untilKill(spec)))
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
