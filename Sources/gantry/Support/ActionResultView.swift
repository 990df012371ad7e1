import GantryCore

/// What a command that changes an environment by hand (lock, unlock, freeze, unfreeze,
/// promote, abort) reports: the sentence a person reads, or with `--json` one document with
/// the environment's status after the change, in the shape `gantry status --json` writes.
struct ActionResultView: Encodable {
    var environment: String
    /// `lock`, `unlock`, `freeze`, `unfreeze`, `promote`, `abort`.
    var action: String
    var message: String
    /// The deployment the action decided (promote, abort).
    var deploymentId: String?
    var status: EnvironmentStatusDocument

    enum CodingKeys: String, CodingKey { case environment, action, message, deploymentId, status }

    /// Every key, `null` when it has no value, as the status document does.
    func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(environment, forKey: .environment)
        try container.encode(action, forKey: .action)
        try container.encode(message, forKey: .message)
        try container.encode(deploymentId, forKey: .deploymentId)
        try container.encode(status, forKey: .status)
    }
}
