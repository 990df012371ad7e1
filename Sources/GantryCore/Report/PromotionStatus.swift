package import Foundation

/// What `promote_from`'s gate says now of the release an environment would take next: the
/// source environment's current release, and whether it has soaked. `gantry status` and the
/// status API show it, so "can staging's release go to production yet?" needs no deploy.
package struct PromotionStatus: Sendable, Hashable, Encodable {
    /// The environment releases come from.
    package var from: String
    /// Its soak, as the configuration writes durations.
    package var soak: String
    /// The source's current release, if it has one.
    package var candidate: String?
    /// The candidate would pass the gate now.
    package var ready: Bool
    /// Why not, as the refusal would say it.
    package var reason: String?

    /// The gate's verdict on `source`'s current release; `records`: its deployments, newest first.
    package static func judge(_ config: PromotionConfig, source: EnvironmentState, records: [DeploymentRecord], now: Date) -> PromotionStatus {
        guard let candidate = source.current else {
            return PromotionStatus(from: config.environment, soak: DurationText.canonical(config.soak), candidate: nil, ready: false, reason: "\(config.environment) runs no release yet")
        }
        let refusal = PromotionGate.refusal(release: candidate, config: config, source: records, now: now)
        return PromotionStatus(from: config.environment, soak: DurationText.canonical(config.soak), candidate: candidate, ready: refusal == nil, reason: refusal?.text)
    }

    enum CodingKeys: String, CodingKey {
        case from, soak, candidate, ready, reason
    }

    package func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(from, forKey: .from)
        try container.encode(soak, forKey: .soak)
        try container.encode(candidate, forKey: .candidate)
        try container.encode(ready, forKey: .ready)
        try container.encode(reason, forKey: .reason)
    }
}
