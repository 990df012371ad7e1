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
