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

    init(_ outcome: Outcome, _ message: String, body: String? = nil) {
        self.outcome = outcome
        self.message = message
        self.body = body
    }

    package static func pass(_ message: String) -> ProbeVerdict { ProbeVerdict(.pass, message) }
    package static func fail(_ message: String) -> ProbeVerdict { ProbeVerdict(.fail, message) }
    package static func fail(_ message: String, body: String?) -> ProbeVerdict { ProbeVerdict(.fail, message, body: body) }
    package static func noData(_ message: String) -> ProbeVerdict { ProbeVerdict(.noData, message) }
}
