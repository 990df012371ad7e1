import Foundation
import GantryCore

/// A command runner that plays back a scripted result and records what it was asked to run,
/// together with the journal as it stood at that moment.
final class ScriptedRunner: CommandRunner, @unchecked Sendable {
    let lock = NSLock()
    var script: [Result<(lines: [String], termination: CommandTermination), CommandLaunchError>]
    var invocations: [CommandInvocation] = []
    var onRun: (@Sendable () async -> Void)?

    init(_ script: [Result<(lines: [String], termination: CommandTermination), CommandLaunchError>]) {
        self.script = script
    }

    func run(_ invocation: CommandInvocation, onStart: @escaping @Sendable (Int32) async -> Void, output: @escaping @Sendable (OutputPiece) async -> Void) async throws(CommandLaunchError) -> CommandResult {
        let next: Result<(lines: [String], termination: CommandTermination), CommandLaunchError> = lock.withLock {
            invocations.append(invocation)
            return script.isEmpty ? .failure(CommandLaunchError(program: invocation.argv[0], reason: "the test scripted no more runs")) : script.removeFirst()
        }
        await onRun?()
        if case .success = next { await onStart(4242) }
        switch next {
        case .success(let step):
            for line in step.lines { await output(OutputPiece(line)) }
            return CommandResult(termination: step.termination, duration: .milliseconds(5))
        case .failure(let error):
            throw error
        }
    }
}

/// A clock that advances only when told, or by the time a sleep asks for (at once).
final class TestClock: GantryClock, @unchecked Sendable {
    private let lock = NSLock()
    private var current = Date(timeIntervalSince1970: 1_795_000_000)
    private(set) var slept: [Duration] = []

    func now() -> Date { lock.withLock { current } }
    func advance(_ duration: Duration) { lock.withLock { current = current.addingTimeInterval(duration.seconds) } }

    func sleep(for duration: Duration) async throws {
        try Task.checkCancellation()
        lock.withLock {
            slept.append(duration)
            current = current.addingTimeInterval(duration.seconds)
        }
    }
}

/// A prober that passes everything except the probes it is told fail (by URL or kind),
/// optionally only for their first `failTimes` attempts, and counts attempts.
final class ScriptedProber: Prober, @unchecked Sendable {
    private let lock = NSLock()
    let failing: [String: String]
    let failTimes: Int
    let delay: Duration
    private(set) var attempts: [String: Int] = [:]

    init(failing: [String: String] = [:], failTimes: Int = .max, delay: Duration = .zero) {
        self.failing = failing
        self.failTimes = failTimes
        self.delay = delay
    }

    func probe(_ probe: ProbeConfig, timeout: Duration) async -> ProbeVerdict {
        let key: String = if case .http(let http) = probe { http.url } else { probe.kind }
        let count = lock.withLock { () -> Int in
            attempts[key, default: 0] += 1
            return attempts[key]!
        }
        if delay > .zero { try? await Task.sleep(for: delay) }
        if let message = failing[key], count <= failTimes { return .fail(message) }
        return .pass("ok \(key)")
    }
}

/// Records what the engine reports.
actor RecordingObserver: DeploymentObserver {
    var events: [ProgressEvent] = []
    func observe(_ event: ProgressEvent) { events.append(event) }
}

/// Processes as a test wants them: everything alive unless listed dead; stops are recorded.
final class FakeProcesses: ProcessControl, @unchecked Sendable {
    let hostName = "ci-1"
    private let lock = NSLock()
    var dead: Set<Int32> = []
    private(set) var stopped: [Int32] = []

    /// This fake machine's identity; origins recorded "here" carry it.
    static let here = ProcessIdentity(machine: "machine-1", boot: "boot-1", pidNamespace: 4026531836, startTime: 100)
    var identity: ProcessIdentity { Self.here }
    func isRunning(pid: Int32, startTime: UInt64?) -> Bool { lock.withLock { !dead.contains(pid) } }
    func startTime(of pid: Int32) -> UInt64? { 100 }
    func groupLeaderMatches(_ group: Int32, startTime: UInt64?) -> Bool { true }
    func stopGroup(_ group: Int32, grace: Duration) async { lock.withLock { stopped.append(group) } }
    func stopProcesses(ofDeployment deployment: String, grace: Duration) async -> Int { 0 }
    func findExecutable(_ name: String, path: String) -> String? { name == "missing-tool" ? nil : "/usr/bin/\(name)" }
}
