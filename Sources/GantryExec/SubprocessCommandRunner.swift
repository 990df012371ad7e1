public import GantryCore
import Subprocess
import SystemPackage
import Foundation
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
public struct SubprocessCommandRunner: CommandRunner {
    /// Longest line delivered whole; longer lines arrive in pieces.
    static let maxLineLength = 64 * 1024

    public init() {}

    public func run(
        _ invocation: CommandInvocation, onStart: @escaping @Sendable (Int32) async -> Void,
        output: @escaping @Sendable (String) async -> Void
    ) async throws(CommandLaunchError) -> CommandResult {
        let program = invocation.argv[0]
        let executable: Executable = program.contains("/") ? .path(FilePath(program)) : .name(program)
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
                executable, arguments: Arguments(Array(invocation.argv.dropFirst())),
                environment: .inherit.updating(updates), workingDirectory: FilePath(invocation.workingDirectory),
                platformOptions: options, input: .none, output: .sequence, error: .combinedWithOutput
            ) { execution in
                await started.set(execution.processIdentifier.value)
                await onStart(execution.processIdentifier.value)
                return try await withThrowingTaskGroup(of: Race.self) { group in
                    group.addTask {
                        for try await line in execution.standardOutput.strings(bufferingPolicy: .maxLineLength(Self.maxLineLength)) {
                            await output(line.hasSuffix("\n") ? String(line.dropLast()) : line)
                        }
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
public struct LocalProcessControl: ProcessControl {
    public init() {}

    public var hostName: String { ProcessInfoHost.name }

    public func isAlive(_ pid: Int32) -> Bool {
        guard pid > 0 else { return false }
        return ProcessTable.isRunning(pid)
    }

    public func stopGroup(_ group: Int32, grace: Duration) async {
        guard group > 1, ProcessTable.groupIsRunning(group) else { return }
        kill(-group, SIGTERM)
        await ProcessGroupReaper.reap(group, grace: grace)
    }

    public func findExecutable(_ name: String, path: String) -> String? {
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

    public func stopProcesses(ofDeployment deployment: String, grace: Duration) async -> Int {
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
public enum ProcessInfoHost {
    public static var name: String {
        var buffer = [CChar](repeating: 0, count: 256)
        guard gethostname(&buffer, buffer.count) == 0 else { return "localhost" }
        return String(decoding: buffer.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self)
    }
}
