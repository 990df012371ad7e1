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
