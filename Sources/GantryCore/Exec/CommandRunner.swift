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
