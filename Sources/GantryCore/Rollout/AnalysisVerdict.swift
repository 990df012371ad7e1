import Foundation

/// How an analysis ended, with what it saw: the unit a bake is judged on.
package struct AnalysisVerdict: Sendable, Hashable {
    /// Argo Rollouts' phases. `inconclusive` (no data, or errors within their limit) pauses the
    /// rollout; `failed` and `error` fail the batch.
    package enum Phase: String, Sendable, Hashable, Codable {
        case successful, failed, inconclusive, error
    }

    package var name: String
    package var phase: Phase
    package var successful = 0
    package var failed = 0
    package var inconclusive = 0
    package var errors = 0
    /// What the verdict rests on, for a person (masked by the runner).
    package var message: String
    /// The Mann–Whitney test of a `compare:` analysis.
    package var comparison: MannWhitney.Result?

    init(name: String, phase: Phase, message: String) {
        self.name = name
        self.phase = phase
        self.message = message
    }

    /// The verdict as a check result, for the check table, the terminal and reason codes.
    package var checkResult: CheckResult {
        CheckResult(
            name: name, kind: "analysis", target: nil, passed: phase == .successful,
            outcome: phase == .successful ? .pass : (phase == .inconclusive ? .noData : .fail),
            attempts: successful + failed + inconclusive + errors, latencyMilliseconds: 0, message: "\(phase.rawValue): \(message)"
        )
    }

    /// The journal entry that keeps the verdict, the comparison's statistic, p-value and
    /// effect included.
    package var journalEvent: JournalEvent {
        var event = JournalEvent(kind: .analysisResult, step: Step.verify.rawValue, message: "\(phase.rawValue): \(message)", check: name, passed: phase == .successful)
        event.analysisPhase = phase.rawValue
        event.statistic = comparison?.u
        event.pValue = comparison?.pValue
        event.effect = comparison?.effect
        return event
    }
}
