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

/// Where a runner's health comes from.
package enum RunnerSource: Sendable, Hashable {
    /// An instant query; healthy when it returns a sample satisfying the bounds (default
    /// `equals: 1`); no sample or no answer is unknown.
    case prometheus(PrometheusProbeConfig, timeout: Duration)
    /// An endpoint that must answer 2xx in time.
    case http(url: String, timeout: Duration)
    /// GitHub's REST API for self-hosted runners: healthy when the runner is online.
    case github(GitHubRunnerSource)
    /// Checks of the machine itself, meaningful only on that runner.
    case local(LocalRunnerSource)

    package var kind: String {
        switch self {
        case .prometheus: "prometheus"
        case .http: "http"
        case .github: "github"
        case .local: "local"
        }
    }

    package var timeout: Duration {
        switch self {
        case .prometheus(_, let timeout), .http(_, let timeout): timeout
        case .github(let source): source.timeout
        case .local: .seconds(5)
        }
    }
}

package struct GitHubRunnerSource: Sendable, Hashable {
    /// `owner/repo`, or nil for an organization's runners.
    package var repo: String?
    package var org: String?
    /// The runner's name as GitHub knows it.
    package var runner: String
    /// The environment variable holding the token (never the token itself).
    package var tokenEnv: String
    package var apiURL: String = "https://api.github.com"
    package var timeout: Duration = .seconds(3)

    package init(repo: String?, org: String?, runner: String, tokenEnv: String) {
        self.repo = repo
        self.org = org
        self.runner = runner
        self.tokenEnv = tokenEnv
    }

    /// The list endpoint, page `page`.
    package func listURL(page: Int) -> String {
        let base = apiURL.hasSuffix("/") ? String(apiURL.dropLast()) : apiURL
        let path = repo.map { "/repos/\($0)/actions/runners" } ?? "/orgs/\(org ?? "")/actions/runners"
        return "\(base)\(path)?per_page=100&page=\(page)"
    }
}

package struct LocalRunnerSource: Sendable, Hashable {
    package var minFreeDisk: SizeThreshold?
    package var diskPath: String = "/"
    package var minAvailableMemory: SizeThreshold?
    package var tools: [String] = []

    package init() {}
}

/// A source's verdict on a runner.
package struct SourceVerdict: Sendable, Hashable, Codable {
    package enum State: String, Sendable, Hashable, Codable {
        case healthy
        case unhealthy
        /// The source could not say (no data, unreachable, rate-limited): not healthy.
        case unknown
    }

    package var source: String
    package var state: State
    package var message: String
    package var latencyMilliseconds: Int64

    package init(source: String, state: State, message: String, latencyMilliseconds: Int64 = 0) {
        self.source = source
        self.state = state
        self.message = message
        self.latencyMilliseconds = latencyMilliseconds
    }
}

/// Asks one source about one runner. The adapter must answer within `source.timeout`.
package protocol RunnerProber: Sendable {
    /// - Parameter isThisMachine: whether the runner is the machine Gantry runs on (local
    ///   sources can only judge that one).
    func probe(_ source: RunnerSource, runner: RunnerConfig, isThisMachine: Bool, environment: [String: String]) async -> SourceVerdict
}
