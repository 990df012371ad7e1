/// `analysis:` beside a `prometheus` check's name: the check is then judged during each bake
/// of a rollout, measured every `interval`, instead of once after a deploy.
///
/// The limits and their defaults (0, 0, 4) are Argo Rollouts' `failureLimit`,
/// `inconclusiveLimit` and `consecutiveErrorLimit`. A measurement with no data is
/// inconclusive, never a pass; past `inconclusive_limit` the rollout pauses for a person.
package struct AnalysisConfig: Sendable, Hashable {
    package var interval: Duration
    /// How many measurements; nil measures for the whole bake.
    package var count: Int?
    /// More failed measurements than this fail the analysis (and the batch).
    var failureLimit: Int
    /// More inconclusive measurements than this pause the rollout.
    var inconclusiveLimit: Int
    /// More errors in a row than this (Prometheus down, a bad query) fail the analysis.
    var consecutiveErrorLimit: Int

    package init(interval: Duration = .seconds(10), count: Int? = nil, failureLimit: Int = 0, inconclusiveLimit: Int = 0, consecutiveErrorLimit: Int = 4) {
        self.interval = interval
        self.count = count
        self.failureLimit = failureLimit
        self.inconclusiveLimit = inconclusiveLimit
        self.consecutiveErrorLimit = consecutiveErrorLimit
    }

    /// How many measurements run in a bake of `bake`: `count`, or as many intervals as fit
    /// (at least one).
    package func measurements(in bake: Duration) -> Int {
        if let count { return count }
        guard interval > .zero else { return 1 }
        return max(1, Int(bake / interval))
    }
}
