import GantryCore
import GantryExec
import GantryProbes

/// The live adapters a command works with. They are built here and nowhere else, so every
/// command runs processes, stops them and probes services the same way.
struct LiveAdapters {
    /// Runs deploy, rollback and `command` check processes; a command that carries a lease
    /// guard runs under the installed `gantry-lease-guard`.
    let runner: any CommandRunner
    /// Finds, signals and identifies local processes.
    let processes: any ProcessControl
    /// Probes services; its `command` checks run through `runner`.
    let prober: LiveProber
}

extension Context {
    /// Runs `body` with the live adapters, scoped so the prober's HTTP clients are shut down
    /// when the work ends.
    func withAdapters<T>(config: GantryConfig, _ body: (LiveAdapters) async throws -> T) async rethrows -> T {
        let runner = SubprocessCommandRunner(guardCommand: SubprocessCommandRunner.installedGuard)
        let processes = self.processes
        return try await LiveProber.with(commandRunner: runner, processes: processes, directory: config.directory) { prober in
            try await body(LiveAdapters(runner: runner, processes: processes, prober: prober))
        }
    }

    /// Process control alone, for commands that only judge whether a lease holder is alive.
    var processes: any ProcessControl { LocalProcessControl() }
}
