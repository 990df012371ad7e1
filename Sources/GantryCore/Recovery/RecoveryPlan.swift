/// What recovery does about one deployment that died without recording an outcome, or that
/// a second interruption stopped at once and left unrestored: a function of its journal
/// (`RecoveryAnalysis`) and what the configuration allows, decided before anything runs.
///
/// A rollback is not performed here: it runs through the deployment state machine's own
/// rollback and verify path (`DeploymentStateMachine.recovering`), so a recovery's rollback
/// follows the same rules, and ends the same ways, as a deployment's.
package enum RecoveryPlan: Sendable, Hashable {
    /// It had decided its outcome and died before recording it: record that outcome, and
    /// promote its release when it was promoting a verified one.
    case recordDecided(Outcome, reason: String, code: ReasonCode?, promote: Bool)
    /// It was killed before any command could change production: record it `interrupted`.
    case recordUntouched
    /// Production may be changed and there is no way back: record it `interrupted` (when it
    /// is not recorded yet) and say why nothing was rolled back.
    case cannotRestore(Obstacle)
    /// Roll back to `target`: only `hosts` (the batches a rollout started) when they are
    /// known, else every target. `pauseExpired`: a rollout left paused that nobody decided
    /// before its `pause_timeout`; it ends `rolled_back` rather than `interrupted`.
    case rollBack(to: String, hosts: [String]?, pauseExpired: Bool)

    /// Why a deployment that may have changed production cannot be rolled back.
    package enum Obstacle: String, Sendable, Hashable {
        case noRollbackCommand = "no rollback command is configured"
        case noLastGood = "there is no last good release"
    }

    /// The plan for a deployment that never recorded an outcome.
    package static func forUnfinished(_ analysis: RecoveryAnalysis, canRollBack: Bool, lastGood: String?) -> RecoveryPlan {
        if let decided = analysis.decidedOutcome {
            return .recordDecided(
                decided, reason: analysis.decidedReason ?? decided.rawValue, code: analysis.decidedCode,
                promote: analysis.promoting && decided == .succeeded
            )
        }
        guard analysis.mayHaveChanged else { return .recordUntouched }
        return restoring(analysis, canRollBack: canRollBack, lastGood: lastGood, pauseExpired: analysis.leftPaused)
    }

    /// The plan for a deployment already recorded `interrupted` after a second interruption,
    /// or nil when its journal shows nothing left to restore (it changed nothing, or a later
    /// recovery restored it).
    package static func forLeftUnrestored(_ analysis: RecoveryAnalysis, canRollBack: Bool, lastGood: String?) -> RecoveryPlan? {
        guard analysis.leftUnrestored else { return nil }
        return restoring(analysis, canRollBack: canRollBack, lastGood: lastGood, pauseExpired: false)
    }

    private static func restoring(_ analysis: RecoveryAnalysis, canRollBack: Bool, lastGood: String?, pauseExpired: Bool) -> RecoveryPlan {
        guard canRollBack else { return .cannotRestore(.noRollbackCommand) }
        guard let lastGood else { return .cannotRestore(.noLastGood) }
        return .rollBack(to: lastGood, hosts: analysis.rolloutHosts, pauseExpired: pauseExpired)
    }
}
