import GantryCore
import GantryExec

extension Context {
    /// The request `deploy`, `plan`, `rollback` and `recover` all build the same way: the
    /// environment's configuration and hosts (the inventory is read here), who runs it, and the
    /// process environment its commands see. One place, so the four cannot drift apart.
    func request(
        for environment: EnvironmentConfig, in config: GantryConfig, release: Release, kind: DeploymentRecord.Kind = .deploy,
        force: Bool = false, runner: String? = nil, lockWait: Duration = .zero
    ) async throws(Failure) -> DeploymentRequest {
        DeploymentRequest(
            environment: environment, release: release, force: force, directory: config.directory,
            origin: origin(runner: runner ?? RunnerIdentity.name(config.runners, flag: nil, environment: self.environment, hostName: ProcessInfoHost.name)),
            processEnvironment: self.environment,
            targets: try await targets(for: environment, in: config), kind: kind, lockWait: lockWait
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
