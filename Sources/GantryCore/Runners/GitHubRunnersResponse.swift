import Foundation

/// The documented shape of `GET /repos/{owner}/{repo}/actions/runners` (and the `/orgs/`
/// variant): `{ total_count, runners: [ { id, name, os, status, busy, labels: [ { name } ] } ] }`.
public struct GitHubRunnersResponse: Decodable, Sendable {
    public struct Runner: Decodable, Sendable, Hashable {
        public struct Label: Decodable, Sendable, Hashable {
            public var name: String
        }

        public var id: Int
        public var name: String
        public var status: String
        public var busy: Bool
        public var labels: [Label]
    }

    public var totalCount: Int
    public var runners: [Runner]

    enum CodingKeys: String, CodingKey {
        case totalCount = "total_count"
        case runners
    }

    public static func parse(_ body: [UInt8]) -> GitHubRunnersResponse? {
        try? JSONDecoder().decode(GitHubRunnersResponse.self, from: Data(body))
    }

    /// The verdict on runner `name` from the runners found so far.
    public static func verdict(for name: String, in runners: [Runner], rateRemaining: String?) -> SourceVerdict {
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
