import GantryCore
import GantryExec
import GantryProbes
import GantryStore

extension Context {
    /// The request `deploy`, `plan`, `rollback` and `recover` all build the same way: the
    /// environment's configuration and hosts (the inventory is read here), who runs it, and the
    /// process environment its commands see. One place, so the four cannot drift apart.
    func request(
        for environment: EnvironmentConfig, in config: GantryConfig, release: Release, kind: DeploymentRecord.Kind = .deploy,
        force: Bool = false, runner: String? = nil, lockWait: Duration = .zero
    ) async throws(Failure) -> DeploymentRequest {
        var request = DeploymentRequest(
            environment: environment, release: release, force: force, directory: config.directory,
            origin: origin(runner: runner ?? thisRunner(config.runners, flag: nil)),
            processEnvironment: self.environment,
            targets: try await targets(for: environment, in: config), kind: kind, lockWait: lockWait
        )
        request.configDigest = config.digest
        return request
    }

    /// The name this process runs as (`RunnerIdentity.name`), for every command that needs it.
    func thisRunner(_ runners: [RunnerConfig], flag: String?) -> String? {
        RunnerIdentity.name(runners, flag: flag, environment: environment, hostName: ProcessInfoHost.name)
    }

    /// Runs the runner gate (`RunnerGate`) for a deploy on this machine; a `--runner` or
    /// `GANTRY_RUNNER` that names no configured runner is bad input.
    func runnerGate(config: GantryConfig, flag: String?) async throws(Failure) -> RunnerGate.Verdict {
        let match: RunnerIdentity.Match?
        do {
            match = try RunnerIdentity.identify(config.runners, flag: flag, environment: environment, hostName: ProcessInfoHost.name)
        } catch {
            throw .usage(error.description)
        }
        return await withAdapters(config: config) { live in
            await RunnerGate(check: RunnerHealthCheck(prober: live.prober)).run(
                match, runners: config.runners, configFile: config.file, hostName: ProcessInfoHost.name, environment: environment
            )
        }
    }

    /// What `gantry diagnose` and a failed deploy's top finding read, from `store`.
    func diagnosisGathering(config: GantryConfig, store: any StateStore) throws(Failure) -> DiagnosisGathering {
        var storeDirectory: String?
        if case .sqlite(let path) = try storeLocation(config: config) { storeDirectory = PathText.directory(of: path) }
        return DiagnosisGathering(
            config: config, store: store, processEnvironment: environment, processes: processes, workingDirectory: workingDirectory,
            storeDirectory: storeDirectory
        )
    }

    /// What the store knows of an environment, read without creating the store: a project
    /// that never deployed has an empty state, not an error. `migrate` for the commands that
    /// go on to change state (rollback, recover), which may bring a shared schema up to date.
    func storedState(of environment: String, config: GantryConfig, migrate: Bool = false) async throws(Failure) -> EnvironmentState {
        guard let store = try await openStore(config: config, create: false, migrate: migrate) else { return EnvironmentState(name: environment) }
        do {
            return try await store.environmentState(environment)
        } catch {
            throw .store(error)
        }
    }
}
