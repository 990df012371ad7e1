import Foundation

/// The documented shape of `GET /repos/{owner}/{repo}/actions/runners` (and the `/orgs/`
/// variant): `{ total_count, runners: [ { id, name, os, status, busy, labels: [ { name } ] } ] }`.
package struct GitHubRunnersResponse: Decodable, Sendable {
    package struct Runner: Decodable, Sendable, Hashable {
        package struct Label: Decodable, Sendable, Hashable {
            package var name: String
        }

        package var id: Int
        package var name: String
        package var status: String
        package var busy: Bool
        package var labels: [Label]
    }

    package var totalCount: Int
    package var runners: [Runner]

    enum CodingKeys: String, CodingKey {
        case totalCount = "total_count"
        case runners
    }

    package static func parse(_ body: [UInt8]) -> GitHubRunnersResponse? {
        try? JSONDecoder().decode(GitHubRunnersResponse.self, from: Data(body))
    }

    /// The verdict on runner `name` from the runners found so far.
    package static func verdict(for name: String, in runners: [Runner], rateRemaining: String?) -> SourceVerdict {
        let rate = rateRemaining.map { "; \($0) API calls left this hour" } ?? ""
        guard let runner = runners.first(where: { $0.name == name }) else {
            return SourceVerdict(source: "github", state: .unhealthy, message: "GitHub lists no runner named \(name)\(rate)")
        }
        guard runner.status == "online" else {
            return SourceVerdict(source: "github", state: .unhealthy, message: "\(name) is \(runner.status)\(rate)")
        }
        return SourceVerdict(source: "github", state: .healthy, message: "\(name) is online\(runner.busy ? ", busy with a job" : ", idle")\(rate)")
    }
}
