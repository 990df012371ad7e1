/// A loaded, validated `gantry.yml`.
///
/// Values are kept as written (with `${VAR}` references unresolved) so that loading never
/// needs a secret: `gantry validate` and `gantry status` work on a machine that holds none.
/// References are resolved when a command or probe actually runs.
package struct GantryConfig: Sendable {
    /// URL fields written as one whole `${VAR}`, whose form is checked when the value is read.
    package var deferredURLs: [DeferredURL] = []
    /// The schema version; only `1` exists.
    package var version: Int
    /// The path the configuration was read from, as given.
    package var file: String
    /// `sha256:<hex>` of the file's bytes, as loaded: what approvals are signed for, so a
    /// change to the file (comments included) needs new approvals.
    package var digest: String?
    /// The directory relative paths resolve against, and the working directory of commands.
    package var directory: String
    /// The state store URL as written: `sqlite:PATH` or `postgres://…`.
    package var state: String
    /// Environments in the order the file lists them.
    package var environments: [EnvironmentConfig]
    /// The machines that can run deploys.
    package var runners: [RunnerConfig] = []
    /// Where one-shot commands write their metrics.
    package var metrics = MetricsConfig()
    /// How `gantry serve` listens and polls.
    package var serve = ServeConfig()

    init(version: Int, file: String, directory: String, state: String, environments: [EnvironmentConfig]) {
        self.version = version
        self.file = file
        self.directory = directory
        self.state = state
        self.environments = environments
    }

    /// The environment called `name`, if the file defines one.
    package func environment(_ name: String) -> EnvironmentConfig? {
        environments.first { $0.name == name }
    }

    /// The default state location when `state:` is absent: beside the configuration file.
    package static let defaultState = "sqlite:.gantry/state.db"
}
