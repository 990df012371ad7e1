import Foundation

/// Counts one analysis' measurements against its limits, as Argo's analysis controller
/// does: failures past `failure_limit` and errors in a row past `consecutive_error_limit`
/// end it early; no data and errors are inconclusive, never a pass.
package struct AnalysisTally: Sendable, Hashable {
    package let config: AnalysisConfig
    package private(set) var verdict: AnalysisVerdict
    private var consecutiveErrors = 0

    package init(name: String, config: AnalysisConfig) {
        self.config = config
        verdict = AnalysisVerdict(name: name, phase: .inconclusive, message: "no measurement yet")
    }

    /// Adds one measurement's phase (`successful`, `failed`, `inconclusive` or `error`).
    package mutating func record(_ phase: AnalysisVerdict.Phase, _ message: String) {
        switch phase {
        case .successful: verdict.successful += 1
        case .failed: verdict.failed += 1
        case .inconclusive: verdict.inconclusive += 1
        case .error: verdict.errors += 1
        }
        consecutiveErrors = phase == .error ? consecutiveErrors + 1 : 0
        verdict.message = message
        verdict.phase = judged
    }

    /// Whether the analysis is decided before its measurements run out.
    package var isDecided: Bool { verdict.phase == .failed || verdict.phase == .error }

    private var judged: AnalysisVerdict.Phase {
        if verdict.failed > config.failureLimit { return .failed }
        if consecutiveErrors > config.consecutiveErrorLimit { return .error }
        if verdict.inconclusive + verdict.errors > config.inconclusiveLimit || verdict.successful == 0 { return .inconclusive }
        return .successful
    }

    /// The counts, then what the last measurement saw.
    package var summary: String {
        let counts = [("successful", verdict.successful), ("failed", verdict.failed), ("inconclusive", verdict.inconclusive), ("errors", verdict.errors)]
            .filter { $0.1 > 0 }.map { "\($0.1) \($0.0)" }.joined(separator: ", ")
        return "\(counts.isEmpty ? "no measurement" : counts); last: \(verdict.message)"
    }
}
