package struct GitHubRunnerSource: Sendable, Hashable {
    /// `owner/repo`, or nil for an organization's runners.
    var repo: String?
    var org: String?
    /// The runner's name as GitHub knows it.
    package var runner: String
    /// The environment variable holding the token (never the token itself).
    package var tokenEnv: String
    var apiURL: String = "https://api.github.com"
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
