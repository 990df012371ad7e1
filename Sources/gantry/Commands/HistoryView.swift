import GantryCore

/// `history --json`.
struct HistoryView: Encodable {
    /// The environment listed; null when every environment is.
    var environment: String?
    var deployments: [DeploymentView]
    /// Pass as `--before` for the next (older) page; null when this page was not full.
    var next: String?

    enum CodingKeys: String, CodingKey { case environment, deployments, next }

    /// `next` is written as null rather than left out: a reader tells "last page" apart.
    func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(environment, forKey: .environment)
        try container.encode(deployments, forKey: .deployments)
        try container.encode(next, forKey: .next)
    }
}
