/// A machine that can run deploys, and how to tell whether it is fit to.
package struct RunnerConfig: Sendable, Hashable {
    package var name: String
    /// Its GitHub Actions labels; a job must list all of them in `runs-on`.
    package var labels: [String]
    /// Lower is preferred.
    package var priority: Int
    /// Healthy when all sources pass (the default), or when any does.
    package var requireAll: Bool
    package var sources: [RunnerSource]
    /// The runner's `_diag` directory (`Runner_*.log`, `Worker_*.log`), which `gantry
    /// diagnose` reads; relative to the config's directory.
    package var diag: String?

    package init(name: String, labels: [String], priority: Int, requireAll: Bool = true, sources: [RunnerSource], diag: String? = nil) {
        self.diag = diag
        self.name = name
        self.labels = labels
        self.priority = priority
        self.requireAll = requireAll
        self.sources = sources
    }

    /// The label `select-runner` prints: the runner's most specific (last) label, or its name.
    package var selectionLabel: String { labels.last ?? name }
}
