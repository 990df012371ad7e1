public import Foundation

/// What one probe attempt found.
public struct ProbeVerdict: Sendable, Hashable {
    public enum Outcome: String, Sendable, Hashable, Codable {
        case pass
        case fail
        /// The probe worked but had nothing to judge (a Prometheus query with no samples).
        case noData = "no_data"
    }

    public var outcome: Outcome
    /// What was seen, for a person: `HTTP 200 in 12ms`, `connection refused`.
    public var message: String

    public init(_ outcome: Outcome, _ message: String) {
        self.outcome = outcome
        self.message = message
    }

    public static func pass(_ message: String) -> ProbeVerdict { ProbeVerdict(.pass, message) }
    public static func fail(_ message: String) -> ProbeVerdict { ProbeVerdict(.fail, message) }
    public static func noData(_ message: String) -> ProbeVerdict { ProbeVerdict(.noData, message) }
}

/// The verdict on one check against one target, after its retries.
public struct CheckResult: Sendable, Hashable, Codable {
    public var name: String
    public var kind: String
    /// The host a `{host}` check was expanded for; nil for checks without one.
    public var target: String?
    public var passed: Bool
    /// The last attempt's outcome (`no_data` is judged by `on_no_data`).
    public var outcome: ProbeVerdict.Outcome
    public var attempts: Int
    /// The last attempt's duration.
    public var latencyMilliseconds: Int64
    /// Masked.
    public var message: String

    public init(name: String, kind: String, target: String?, passed: Bool, outcome: ProbeVerdict.Outcome, attempts: Int, latencyMilliseconds: Int64, message: String) {
        self.name = name
        self.kind = kind
        self.target = target
        self.passed = passed
        self.outcome = outcome
        self.attempts = attempts
        self.latencyMilliseconds = latencyMilliseconds
        self.message = message
    }

    /// `web (web-1)` or `web`.
    public var label: String { target.map { "\(name) (\($0))" } ?? name }
}

/// Runs one probe attempt. The adapter (HTTP, PostgreSQL, Redis, …) does the I/O and must
/// give up by `timeout`; the check runner enforces it anyway, so a probe that ignores it
/// cannot hold up verification.
public protocol Prober: Sendable {
    func probe(_ probe: ProbeConfig, timeout: Duration) async -> ProbeVerdict
    /// The samples of a PromQL query against the Prometheus at `url`: now, or every point of
    /// `window` at `step` (a range query); an error says why there is no answer (which an
    /// analysis tells apart from an answer without data).
    func prometheusSamples(url: String, query: String, window: ClosedRange<Date>?, step: Duration, timeout: Duration) async -> Result<[PrometheusSample], QueryFailure>
}

extension Prober {
    public func prometheusSamples(url: String, query: String, window: ClosedRange<Date>?, step: Duration, timeout: Duration) async -> Result<[PrometheusSample], QueryFailure> {
        .failure(QueryFailure(message: "this prober cannot query Prometheus"))
    }
}

/// One sample of a Prometheus answer.
public struct PrometheusSample: Sendable, Hashable {
    public var labels: [String: String]
    public var value: Double

    public init(labels: [String: String], value: Double) {
        self.labels = labels
        self.value = value
    }
}

/// Why a query got no answer, phrased for a person.
public struct QueryFailure: Error, Sendable, Hashable {
    public var message: String

    public init(message: String) {
        self.message = message
    }
}
