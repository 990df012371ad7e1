import Foundation

/// The Mann–Whitney U test and the Hodges–Lehmann shift estimate: how Kayenta's default
/// judge decides whether a canary's metric differs from its baseline's. Rank-based, so it
/// assumes nothing about the metric's distribution and is not swayed by a few outliers.
package enum MannWhitney {
    /// The test's result for `canary` against `baseline`.
    package struct Result: Sendable, Hashable, Codable {
        /// U of the canary sample.
        package var u: Double
        /// The two-sided p-value (normal approximation with tie and continuity correction).
        package var pValue: Double
        /// The Hodges–Lehmann estimate of canary minus baseline: the median of all pairwise
        /// differences, in the metric's units.
        package var effect: Double
        var canaryCount: Int
        var baselineCount: Int
    }

    package static func test(canary: [Double], baseline: [Double]) -> Result {
        let m = canary.count
        let n = baseline.count
        guard m > 0, n > 0 else { return Result(u: 0, pValue: 1, effect: 0, canaryCount: m, baselineCount: n) }
        // Ranks over both samples together, ties given their average rank.
        let pooled = (canary.map { ($0, true) } + baseline.map { ($0, false) }).sorted { $0.0 < $1.0 }
        var ranks = [Double](repeating: 0, count: pooled.count)
        var tieTerm = 0.0
        var start = 0
        while start < pooled.count {
            var end = start
            while end + 1 < pooled.count, pooled[end + 1].0 == pooled[start].0 { end += 1 }
            let average = Double(start + end + 2) / 2
            for index in start...end { ranks[index] = average }
            let tied = Double(end - start + 1)
            tieTerm += tied * tied * tied - tied
            start = end + 1
        }
        let rankSum = zip(pooled, ranks).reduce(0.0) { $0 + ($1.0.1 ? $1.1 : 0) }
        let u = rankSum - Double(m * (m + 1)) / 2
        let mean = Double(m * n) / 2
        let total = Double(m + n)
        let variance = Double(m * n) / 12 * ((total + 1) - tieTerm / (total * (total - 1)))
        let pValue: Double
        if variance <= 0 {
            pValue = 1
        } else {
            let z = (abs(u - mean) - 0.5) / variance.squareRoot()
            pValue = min(1, erfc(max(0, z) / 2.0.squareRoot()))
        }
        return Result(u: u, pValue: pValue, effect: hodgesLehmann(canary: canary, baseline: baseline), canaryCount: m, baselineCount: n)
    }

    /// The median of every canary − baseline difference.
    package static func hodgesLehmann(canary: [Double], baseline: [Double]) -> Double {
        var differences: [Double] = []
        differences.reserveCapacity(canary.count * baseline.count)
        for x in canary { for y in baseline { differences.append(x - y) } }
        differences.sort()
        guard !differences.isEmpty else { return 0 }
        let middle = differences.count / 2
        return differences.count % 2 == 1 ? differences[middle] : (differences[middle - 1] + differences[middle]) / 2
    }
}
