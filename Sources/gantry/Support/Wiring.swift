import GantryCore
import GantryExec
import GantryProbes

/// The one place the CLI builds its live adapters: the prober with its command runner (for
/// `command` checks) and process control (for the tools a runner's `local` source needs),
/// scoped so its HTTP clients are shut down when the work ends.
extension Context {
    func withProber<T>(config: GantryConfig, _ body: (LiveProber) async throws -> T) async rethrows -> T {
        try await LiveProber.with(commandRunner: SubprocessCommandRunner(), processes: LocalProcessControl(), directory: config.directory, body)
    }
}
