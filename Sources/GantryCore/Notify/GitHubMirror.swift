/// `notify: [ { github: { repo, token_env, api_url, environment } } ]`: the deployments of an
/// environment mirrored into GitHub's deployments API, so the repository's Environments page
/// and the pull requests show what runs where, whoever deployed it.
package struct GitHubMirror: Sendable, Hashable {
    /// `owner/name`.
    var repo: String
    /// The variable holding a token with `deployments: write`.
    package var tokenEnv: String
    /// GitHub's environment name; the gantry environment's name by default.
    package var environment: String?

    init(repo: String, tokenEnv: String, environment: String? = nil) {
        self.repo = repo
        self.tokenEnv = tokenEnv
        self.environment = environment
    }

    /// The events a mirror follows.
    package static let events: [NotificationEvent] = [.started, .succeeded, .rolledBack, .failed, .interrupted, .paused]
}
