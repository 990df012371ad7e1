import Foundation

/// What a run leaves behind once the machine has decided: its outcome or refusal, put into
/// words once, recorded and announced (`Announcer`), and the summary the CLI prints.
extension DeploymentRun {
    /// Records how this deployment's loop ended.
    mutating func conclude(_ ending: Ending) async throws(StoreError) -> DeploymentSummary {
        switch ending {
        case .decided(let outcome, let reason, let promote, let code): try await finish(outcome, reason: reason, promote: promote, code: code)
        case .refused(let refusal): try await recordRefusal(reason: refusal.text, code: refusal.code)
        case .leftPaused(let text): summary(outcome: .paused, reason: text, code: nil, finishedAt: engine.clock.now())
        }
    }

    /// Records the outcome: the one place a deployment's reason is put into words.
    mutating func finish(_ outcome: Outcome, reason: OutcomeReason, promote: Bool, code: ReasonCode? = nil) async throws(StoreError) -> DeploymentSummary {
        let maskedReason = masker.mask(reason.text)
        let code = outcome == .succeeded || outcome == .skipped ? nil : code
        let finished = record ?? DeploymentRecord(
            id: id, environment: environment, release: request.release.value, kind: request.kind, startedAt: startedAt, origin: request.origin, forced: request.force
        )
        let finishedAt = try await announcer.recordOutcome(
            outcome, of: finished, reason: maskedReason, code: code, cause: machine.causeCode, promote: promote, batch: progress
        )
        _ = machine.handle(.finished)
        return summary(outcome: outcome, reason: maskedReason, code: code, finishedAt: finishedAt)
    }

    /// Records a deployment that changed nothing and ends `refused`.
    mutating func recordRefusal(reason: String, code: ReasonCode) async throws(StoreError) -> DeploymentSummary {
        let masked = masker.mask(reason)
        let refused = DeploymentRecord(
            id: id, environment: environment, release: request.release.value, kind: request.kind, startedAt: startedAt,
            origin: request.origin, forced: request.force
        )
        record = refused
        let at = try await announcer.recordRefusal(refused, reason: masked, code: code)
        return summary(outcome: .refused, reason: masked, code: code, finishedAt: at)
    }

    func summary(outcome: Outcome, reason: String, code: ReasonCode?, finishedAt: Date) -> DeploymentSummary {
        DeploymentSummary(
            id: id, environment: environment, release: request.release.value, outcome: outcome, reason: reason,
            previousRelease: previous, startedAt: startedAt, finishedAt: finishedAt, attempts: attempts,
            rolledBackTo: machine.rolledBackTo, reasonCode: code
        )
    }
}
