/// `compare:` in a `prometheus` check with `analysis:`: judges the hosts running the new
/// release (`{batch_hosts}`) against the rest of the fleet over the same window, as Kayenta's
/// default judge does, rather than the fleet before against after (which mistakes a change in
/// traffic for a change in the release).
package struct CompareConfig: Sendable, Hashable {
    /// Which way a difference is bad.
    package enum FailOn: String, Sendable, Hashable, CaseIterable {
        case increase, decrease, either
    }

    /// The canary's series; `{batch_hosts}` is a regex alternation of the hosts deployed so far.
    package var query: String
    /// The baseline's series over the same window: the hosts still on the old release.
    var baselineQuery: String
    /// Points needed on each side; fewer is inconclusive.
    var minSamples: Int
    /// A difference (Hodges–Lehmann estimate, in the metric's units) within this is no failure
    /// however significant.
    package var tolerance: Double
    var failOn: FailOn
    /// The confidence of the Mann–Whitney U test (0.98: p below 0.02 is significant).
    package var confidence: Double
    /// The resolution of the range queries.
    package var step: Duration

    package init(query: String, baselineQuery: String, minSamples: Int = 10, tolerance: Double = 0, failOn: FailOn = .increase, confidence: Double = 0.98, step: Duration = .seconds(5)) {
        self.query = query
        self.baselineQuery = baselineQuery
        self.minSamples = minSamples
        self.tolerance = tolerance
        self.failOn = failOn
        self.confidence = confidence
        self.step = step
    }
}
