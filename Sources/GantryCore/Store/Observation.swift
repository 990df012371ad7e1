package import Foundation

/// The latest verdict on a runner or a check, kept in the store so that every process that
/// shares it (a one-shot `gantry check`, `select-runner`, `gantry serve`) reports the same
/// health in its metrics, and so a one-shot command's textfile carries the whole picture.
package struct Observation: Sendable, Hashable, Codable {
    package enum Subject: String, Sendable, Hashable, Codable {
        case runner
        case check
    }

    package var subject: Subject
    /// The environment a check belongs to; empty for runners.
    package var environment: String
    /// The runner's or the check's name, from the config (bounded, never free text).
    package var name: String
    package var healthy: Bool
    package var durationMilliseconds: Int64
    /// Why, in a line; masked before it is stored.
    package var message: String
    package var at: Date

    package init(subject: Subject, environment: String = "", name: String, healthy: Bool, durationMilliseconds: Int64, message: String, at: Date) {
        self.subject = subject
        self.environment = environment
        self.name = name
        self.healthy = healthy
        self.durationMilliseconds = durationMilliseconds
        self.message = message
        self.at = at
    }

    /// What one observation is of: the same subject, environment and name replace each other.
    package var key: String { "\(subject.rawValue)\u{0}\(environment)\u{0}\(name)" }

    /// `older` overlaid with `newer`, keeping per key the observation made last; sorted by
    /// subject, environment and name.
    package static func merge(_ older: [Observation], _ newer: [Observation]) -> [Observation] {
        var byKey: [String: Observation] = [:]
        for observation in older + newer {
            if let existing = byKey[observation.key], existing.at > observation.at { continue }
            byKey[observation.key] = observation
        }
        return byKey.values.sorted { ($0.subject.rawValue, $0.environment, $0.name) < ($1.subject.rawValue, $1.environment, $1.name) }
    }
}
