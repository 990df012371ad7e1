import AsyncHTTPClient
import Foundation
import GantryCore
import NIOCore
import NIOHTTP1

/// Pages through GitHub's list of self-hosted runners, authenticated with the token from the
/// named variable, and reports the rate limit left. 401, 403 (rate limit or permissions),
/// 5xx and timeouts make the verdict unknown with the reason, never healthy.
struct GitHubRunnerProbe {
    let clients: HTTPClients
    static let maxPages = 10

    func run(_ source: GitHubRunnerSource, environment: [String: String]) async -> SourceVerdict {
        guard let token = environment[source.tokenEnv], !token.isEmpty else {
            return SourceVerdict(source: "github", state: .unknown, message: "\(source.tokenEnv) is not set: a token is needed to list runners")
        }
        let client = await clients.client(for: HTTPClients.Key(caFile: nil, insecure: false, followRedirects: false, connectTimeout: source.timeout))
        var found: [GitHubRunnersResponse.Runner] = []
        var remaining: String?
        for page in 1...Self.maxPages {
            var request = HTTPClientRequest(url: source.listURL(page: page))
            request.headers.add(name: "Authorization", value: "Bearer \(token)")
            request.headers.add(name: "Accept", value: "application/vnd.github+json")
            request.headers.add(name: "X-GitHub-Api-Version", value: "2022-11-28")
            request.headers.add(name: "User-Agent", value: "gantry")
            do {
                let response = try await client.execute(request, deadline: .now() + .milliseconds(source.timeout.milliseconds))
                let body = Array((try await response.body.collect(upTo: 4 * 1024 * 1024)).readableBytesView)
                remaining = response.headers.first(name: "x-ratelimit-remaining") ?? remaining
                switch response.status.code {
                case 200:
                    guard let parsed = GitHubRunnersResponse.parse(body) else {
                        return SourceVerdict(source: "github", state: .unknown, message: "GitHub's answer is not a list of runners")
                    }
                    found += parsed.runners
                    if found.contains(where: { $0.name == source.runner }) || found.count >= parsed.totalCount || parsed.runners.isEmpty {
                        return GitHubRunnersResponse.verdict(for: source.runner, in: found, rateRemaining: remaining)
                    }
                case 401:
                    return SourceVerdict(source: "github", state: .unknown, message: "GitHub rejected the token in \(source.tokenEnv) (401)")
                case 403, 429:
                    if response.headers.first(name: "x-ratelimit-remaining") == "0" {
                        let reset = response.headers.first(name: "x-ratelimit-reset").flatMap(Double.init).map { Timestamp.format(Date(timeIntervalSince1970: $0)) } ?? "later"
                        return SourceVerdict(source: "github", state: .unknown, message: "GitHub API rate limit exhausted until \(reset)")
                    }
                    return SourceVerdict(source: "github", state: .unknown, message: "GitHub refused (\(response.status.code)): the token needs read access to self-hosted runners (repository Administration: read, or organization Self-hosted runners: read)")
                case 500...599:
                    return SourceVerdict(source: "github", state: .unknown, message: "GitHub's API failed (HTTP \(response.status.code)): the runner's state is unknown")
                default:
                    return SourceVerdict(source: "github", state: .unknown, message: "GitHub answered HTTP \(response.status.code) to \(source.listURL(page: page))")
                }
            } catch {
                return SourceVerdict(source: "github", state: .unknown, message: ErrorText.describe(error, target: "the GitHub API"))
            }
        }
        return GitHubRunnersResponse.verdict(for: source.runner, in: found, rateRemaining: remaining)
    }
}
