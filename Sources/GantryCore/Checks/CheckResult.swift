package import Foundation

/// What one probe attempt found.
package struct ProbeVerdict: Sendable, Hashable {
    package enum Outcome: String, Sendable, Hashable, Codable {
        case pass
        case fail
        /// The probe worked but had nothing to judge (a Prometheus query with no samples).
        case noData = "no_data"
    }

    package var outcome: Outcome
    /// What was seen, for a person: `HTTP 200 in 12ms`, `connection refused`.
    package var message: String
    /// What a failing HTTP answer said, its first `HTTPExpectation.keptBodyBytes` (the message
    /// quotes only an excerpt); nil for other verdicts.
    package var body: String?

    package init(_ outcome: Outcome, _ message: String, body: String? = nil) {
        self.outcome = outcome
        self.message = message
        self.body = body
    }

    package static func pass(_ message: String) -> ProbeVerdict { ProbeVerdict(.pass, message) }
    package static func fail(_ message: String) -> ProbeVerdict { ProbeVerdict(.fail, message) }
    package static func fail(_ message: String, body: String?) -> ProbeVerdict { ProbeVerdict(.fail, message, body: body) }
    package static func noData(_ message: String) -> ProbeVerdict { ProbeVerdict(.noData, message) }
}

/// The verdict on one check against one target, after its retries.
package struct CheckResult: Sendable, Hashable, Codable {
    package var name: String
    package var kind: String
    /// The host a `{host}` check was expanded for; nil for checks without one.
    package var target: String?
    package var passed: Bool
    /// The last attempt's outcome (`no_data` is judged by `on_no_data`).
    package var outcome: ProbeVerdict.Outcome
    package var attempts: Int
    /// The last attempt's duration.
    package var latencyMilliseconds: Int64
    /// Masked.
    package var message: String
    /// A failing HTTP answer's body (its first 4 KiB), masked; nil for other results.
    package var body: String?

    package init(
        name: String, kind: String, target: String?, passed: Bool, outcome: ProbeVerdict.Outcome, attempts: Int, latencyMilliseconds: Int64,
        message: String, body: String? = nil
    ) {
        self.name = name
        self.kind = kind
        self.target = target
        self.passed = passed
        self.outcome = outcome
        self.attempts = attempts
        self.latencyMilliseconds = latencyMilliseconds
        self.message = message
        self.body = body
    }

    /// `web (web-1)` or `web`.
    package var label: String { target.map { "\(name) (\($0))" } ?? name }
}

/// Runs one probe attempt. The adapter (HTTP, PostgreSQL, Redis, …) does the I/O and must
/// give up by `timeout`; the check runner enforces it anyway, so a probe that ignores it
/// cannot hold up verification.
package protocol Prober: Sendable {
    func probe(_ probe: ProbeConfig, timeout: Duration) async -> ProbeVerdict
    /// Whether `probe(_:timeout:)` itself answers by `timeout` for this kind of probe, come
    /// what may (a client whose own deadline fails the request). The check runner then runs
    /// it without a deadline task of its own: at a thousand targets those tasks cost more
    /// than the probes. The verification's overall deadline still ends everything.
    func boundsItsOwnTime(_ probe: ProbeConfig) -> Bool
    /// The samples of a PromQL query against the Prometheus at `url`: now, or every point of
    /// `window` at `step` (a range query); an error says why there is no answer (which an
    /// analysis tells apart from an answer without data).
    func prometheusSamples(url: String, query: String, window: ClosedRange<Date>?, step: Duration, timeout: Duration) async -> Result<[PrometheusSample], QueryFailure>
}

extension Prober {
    package func boundsItsOwnTime(_ probe: ProbeConfig) -> Bool { false }

    package func prometheusSamples(url: String, query: String, window: ClosedRange<Date>?, step: Duration, timeout: Duration) async -> Result<[PrometheusSample], QueryFailure> {
        .failure(QueryFailure(message: "this prober cannot query Prometheus"))
    }
}

/// One sample of a Prometheus answer.
package struct PrometheusSample: Sendable, Hashable {
    package var labels: [String: String]
    package var value: Double

    package init(labels: [String: String], value: Double) {
        self.labels = labels
        self.value = value
    }
}

/// Why a query got no answer, phrased for a person.
package struct QueryFailure: Error, Sendable, Hashable {
    package var message: String

    package init(message: String) {
        self.message = message
    }
}
