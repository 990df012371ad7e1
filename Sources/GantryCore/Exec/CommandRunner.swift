/// A command ready to run: argv with placeholders filled in, and how to bound it.
package struct CommandInvocation: Sendable, Hashable {
    /// The real argument vector (may hold secret values; never print it, print `display`).
    package var argv: [String]
    /// The argv with secret values masked, for output and the journal.
    package var display: [String]
    /// Variables added to the inherited environment.
    package var environment: [String: String]
    package var workingDirectory: String
    package var timeout: Duration
    package var grace: Duration
    /// Set for commands that change production under a lease (deploy, rollback, recovery):
    /// the command then runs under a guard process that stops it when the holder stops
    /// confirming renewals, even if gantry itself is frozen or killed.
    package var leaseGuard: LeaseGuardSpec?

    package init(
        argv: [String], display: [String], environment: [String: String], workingDirectory: String, timeout: Duration, grace: Duration,
        leaseGuard: LeaseGuardSpec? = nil
    ) {
        self.argv = argv
        self.display = display
        self.environment = environment
        self.workingDirectory = workingDirectory
        self.timeout = timeout
        self.grace = grace
        self.leaseGuard = leaseGuard
    }
}

/// How a command ended.
package enum CommandTermination: Sendable, Hashable, CustomStringConvertible {
    case exited(Int32)
    case signaled(Int32)
    /// The timeout fired; the process group got SIGTERM, then SIGKILL after the grace period.
    case timedOut
    /// The deployment was interrupted; the process group was stopped the same way.
    case cancelled

    package var succeeded: Bool { self == .exited(0) }

    package var description: String {
        switch self {
        case .exited(let code): "exited with status \(code)"
        case .signaled(let signal): "was killed by signal \(signal)"
        case .timedOut: "timed out"
        case .cancelled: "was stopped by an interruption"
        }
    }
}

package struct CommandResult: Sendable, Hashable {
    package var termination: CommandTermination
    package var duration: Duration
    /// What the command's output showed (`OutputSignatures`), set by the engine that read
    /// it; runners leave it nil.
    package var recognized: ReasonCode?

    package init(termination: CommandTermination, duration: Duration) {
        self.termination = termination
        self.duration = duration
    }
}

/// Why a command could not be started at all (nothing ran).
package struct CommandLaunchError: Error, Sendable, CustomStringConvertible {
    package var program: String
    package var reason: String

    package init(program: String, reason: String) {
        self.program = program
        self.reason = reason
    }

    package var description: String { "could not start '\(program)': \(reason)" }
}

/// Runs the user's commands. The adapter puts each command in its own process group so a
/// timeout or interruption stops the command *and* everything it started.
package protocol CommandRunner: Sendable {
    /// Runs `invocation`, calling `onStart` with the process id (which is also its process
    /// group's id) once it runs, and `output` with each line of combined stdout and stderr
    /// (a line longer than 64 KiB in pieces, see `OutputPiece`)
    /// (unmasked: the caller masks). Returns `.cancelled` when the calling task is cancelled.
    func run(
        _ invocation: CommandInvocation, onStart: @escaping @Sendable (Int32) async -> Void,
        output: @escaping @Sendable (OutputPiece) async -> Void
    ) async throws(CommandLaunchError) -> CommandResult
}

extension CommandRunner {
    /// Runs `invocation` without caring about its process id.
    package func run(_ invocation: CommandInvocation, output: @escaping @Sendable (OutputPiece) async -> Void) async throws(CommandLaunchError) -> CommandResult {
        try await run(invocation, onStart: { _ in }, output: output)
    }
}

/// What Gantry may know and do about processes on this host: whether the process holding a
/// lease is still alive, and stopping the process group of a command whose gantry died.
package protocol ProcessControl: Sendable {
    /// This machine's name, as recorded in leases (for people: containers share it).
    var hostName: String { get }
    /// This process's machine, boot, PID namespace and start time.
    var identity: ProcessIdentity { get }
    /// Whether `pid` runs (not a zombie) here and, when `startTime` is given, is the process
    /// that started then rather than a later one that reused the pid.
    func isRunning(pid: Int32, startTime: UInt64?) -> Bool
    /// The start time of process `pid` here, if it runs.
    func startTime(of pid: Int32) -> UInt64?
    /// Whether process group `group` may still be the one whose leader started at
    /// `startTime`: its leader runs with that start time, or is gone while members remain.
    func groupLeaderMatches(_ group: Int32, startTime: UInt64?) -> Bool
    /// SIGTERM to the group, `grace`, then SIGKILL to whatever is left.
    func stopGroup(_ group: Int32, grace: Duration) async
    /// Stops every process on this host whose environment says it belongs to `deployment`
    /// (`GANTRY_DEPLOYMENT_ID`): catches an orphan even when its gantry died before it could
    /// journal the process group. Returns how many were found.
    func stopProcesses(ofDeployment deployment: String, grace: Duration) async -> Int
    /// The full path of the executable `name` on `path` (a PATH value), or nil.
    func findExecutable(_ name: String, path: String) -> String?
}
