/// What the journal of a deployment that never finished says may have happened: recovery is
/// a function of the journal, because every side effect was journaled before it started.
package struct RecoveryAnalysis: Sendable, Hashable {
    /// The last step the journal names.
    var lastStep: String?
    /// A deploy or rollback command started, so hosts may have changed.
    var mayHaveChanged = false
    /// The process group of a command that started and never finished: possibly an orphan
    /// still working on production.
    var runningGroup: Int32?
    /// The start time of that group's leader, when it was journaled.
    var runningGroupStart: UInt64?
    /// A command started and its end was never journaled (its process id may not have been
    /// journaled either, if gantry died right after spawning it).
    var commandRunning = false
    /// The deployment decided its outcome but died before recording it.
    var decidedOutcome: Outcome?
    var decidedReason: String?
    var decidedCode: ReasonCode?
    /// It was promoting its release when it died (verification had passed).
    package var promoting = false
    /// It recorded `interrupted` after a second interruption stopped it without rolling
    /// back, while a command may have changed production.
    var leftUnrestored = false
    /// During a rollout: the hosts of every batch that started (the only ones the release
    /// may have reached), and how far it got (`batch` of `batches`). Nil without a rollout.
    var rolloutHosts: [String]?
    package var rolloutBatch: Int?
    var rolloutBatches: Int?
    /// It left its rollout paused (`on_pause: exit`) and nobody decided before its lease ran
    /// out: an abort by timeout, not a crash.
    var leftPaused = false

    package static func analyze(_ journal: [JournalEntry]) -> RecoveryAnalysis {
        var analysis = RecoveryAnalysis()
        for entry in journal {
            let event = entry.event
            if let step = event.step { analysis.lastStep = step }
            switch event.kind {
            case .commandStarted:
                if event.step == Step.deploy.rawValue || event.step == Step.rollback.rawValue || event.step == Step.recover.rawValue {
                    analysis.mayHaveChanged = true
                }
                analysis.commandRunning = true
            case .commandSpawned:
                analysis.runningGroup = event.pid
                analysis.runningGroupStart = event.processStart
            case .commandFinished:
                analysis.runningGroup = nil
                analysis.runningGroupStart = nil
                analysis.commandRunning = false
            case .promoting:
                analysis.promoting = true
                analysis.lastStep = Step.promote.rawValue
            case .paused:
                analysis.leftPaused = event.detached == true
            case .promoted, .aborted:
                analysis.leftPaused = false
            case .batchStarted:
                analysis.rolloutHosts = (analysis.rolloutHosts ?? []) + (event.hosts ?? [])
                analysis.rolloutBatch = event.batch
                analysis.rolloutBatches = event.batches
            case .abandoned:
                analysis.leftUnrestored = analysis.mayHaveChanged
            case .recovery:
                // Written into an abandoned deployment's journal once it was restored.
                analysis.leftUnrestored = false
            case .deploymentFinished:
                analysis.decidedOutcome = event.outcome
                analysis.decidedReason = event.message
                analysis.decidedCode = event.reasonCode
            default:
                break
            }
        }
        return analysis
    }
}
