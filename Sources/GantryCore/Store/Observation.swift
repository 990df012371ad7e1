public import Foundation

/// The latest verdict on a runner or a check, kept in the store so that every process that
/// shares it (a one-shot `gantry check`, `select-runner`, `gantry serve`) reports the same
/// health in its metrics, and so a one-shot command's textfile carries the whole picture.
public struct Observation: Sendable, Hashable, Codable {
    public enum Subject: String, Sendable, Hashable, Codable {
        case runner
        case check
    }

    public var subject: Subject
    /// The environment a check belongs to; empty for runners.
    public var environment: String
    /// The runner's or the check's name, from the config (bounded, never free text).
    public var name: String
    public var healthy: Bool
    public var durationMilliseconds: Int64
    /// Why, in a line; masked before it is stored.
    public var message: String
    public var at: Date

    public init(subject: Subject, environment: String = "", name: String, healthy: Bool, durationMilliseconds: Int64, message: String, at: Date) {
        self.subject = subject
        self.environment = environment
        self.name = name
        self.healthy = healthy
        self.durationMilliseconds = durationMilliseconds
        self.message = message
        self.at = at
    }
}

/// `select-runner` chose a runner other than its first choice, because that one was unhealthy.
public struct RunnerFailover: Sendable, Hashable, Codable {
    public var environment: String
    public var from: String
    public var to: String
    public var reason: String
    public var at: Date

    public init(environment: String, from: String, to: String, reason: String, at: Date) {
        self.environment = environment
        self.from = from
        self.to = to
        self.reason = reason
        self.at = at
    }
}

/// How many failovers happened between two runners for an environment, ever.
public struct FailoverCount: Sendable, Hashable, Codable {
    public var environment: String
    public var from: String
    public var to: String
    public var count: Int

    public init(environment: String, from: String, to: String, count: Int) {
        self.environment = environment
        self.from = from
        self.to = to
        self.count = count
    }
}
