import Foundation

/// A rollout's waits between batches: the bake (its analyses measuring while it lasts), and a
/// pause for a person, waited for here or left in the store (`on_pause: exit`). Each wait's
/// end is told back as the state machine's event, or as "check the batch again".
struct Bake: Sendable {
    /// How a bake ended.
    enum Verdict {
        /// Interrupted, or an analysis failed: the machine's event.
        case judged(DeploymentStateMachine.Event)
        /// The bake lasted its time: the batch is checked again; `inconclusive` analyses
        /// pause the rollout if everything else passes.
        case checkAgain(inconclusive: [AnalysisVerdict])
    }

    let prober: any Prober
    let observer: any DeploymentObserver
    let clock: any GantryClock
    let request: DeploymentRequest
    let masker: SecretMasker
    let journal: RunJournal
    let announcer: Announcer

    /// Bakes `hosts`, the batches deployed so far (`label`: which batch): analyses measure for
    /// `duration`; a failed one fails the batch at once.
    func bake(for duration: Duration, hosts: [TargetHost], label: String) async throws(StoreError) -> Verdict {
        let analyses = request.environment.checks.filter { $0.analysis != nil }
        let detail = "baking \(label) for \(DurationText.format(duration))\(analyses.isEmpty ? "" : " while \(analyses.count) analys\(analyses.count == 1 ? "is runs" : "es run")"), then checking it again"
        try await journal.append(JournalEvent(kind: .note, step: Step.verify.rawValue, message: detail))
        await observer.observe(.stepStarted(.verify, detail: detail))
        let bakeStart = clock.now()
        var verdicts: [AnalysisVerdict] = []
        if !analyses.isEmpty {
            verdicts = await AnalysisRunner(prober: prober, clock: clock).run(
                analyses, hosts: hosts, window: duration, environment: request.processEnvironment, masker: masker
            )
            for verdict in verdicts {
                try await journal.append(verdict.journalEvent)
                await observer.observe(.checkFinished(verdict.checkResult))
            }
        }
        let failed = verdicts.filter { $0.phase == .failed || $0.phase == .error }
        if !Task.isCancelled, failed.isEmpty {
            let rest = duration - .milliseconds(Int64(clock.now().timeIntervalSince(bakeStart) * 1000))
            if rest > .zero { try? await clock.sleep(for: rest) }
        }
        if Task.isCancelled {
            await observer.observe(.stepFinished(.verify, .failed, elapsed: clock.elapsed(since: bakeStart), detail: "interrupted while baking \(label)"))
            return .judged(.interrupted)
        }
        let inconclusive = verdicts.filter { $0.phase == .inconclusive }
        let status: StepStatus = failed.isEmpty && inconclusive.isEmpty ? .ok : .failed
        let judged = verdicts.isEmpty ? "" : "; analyses: " + verdicts.map { "\($0.name) \($0.phase.rawValue)" }.joined(separator: ", ")
        await observer.observe(.stepFinished(.verify, status, elapsed: clock.elapsed(since: bakeStart), detail: "\(label) baked\(judged)"))
        if !failed.isEmpty {
            return .judged(.verified(
                failures: failed.map { "analysis \($0.name) \($0.phase.rawValue): \($0.message)" }, checked: verdicts.count, code: .analysisFailed
            ))
        }
        return .checkAgain(inconclusive: inconclusive)
    }

    /// `on_pause: exit`: leaves the rollout paused in the store for `gantry promote` or `gantry
    /// abort` to carry on, its lease kept until `timeout` (`LeaseSession.settle`). Returns the
    /// outcome's reason. Left undecided, the next deploy or recover rolls it back once the
    /// lease has expired.
    func leavePaused(reason: String, timeout: Duration, record: DeploymentRecord?, batch: RolloutProgress?) async throws(StoreError) -> String {
        var event = JournalEvent(kind: .paused, step: Step.verify.rawValue, message: masker.mask(reason))
        event.detached = true
        try await journal.append(event)
        await announcer.announce(.paused, record: record, batch: batch, reason: masker.mask(reason))
        let environment = request.environment.name
        let text = "paused: \(masker.mask(reason)); 'gantry promote \(environment)' deploys the remaining batches (--full: without their pauses and bakes), 'gantry abort \(environment)' rolls back; rolled back by the next deploy or recover once \(DurationText.format(timeout)) have passed"
        await observer.observe(.stepFinished(.verify, .skipped, elapsed: .zero, detail: text))
        return text
    }

    /// Waits for a person: `gantry promote ENV` or `gantry abort ENV` (from any runner) write
    /// their decision into this deployment's journal with its lease's token; after `timeout`
    /// the rollout aborts by itself. The lease is renewed all along.
    /// A timed pause step (`timed`) goes on when its time is up instead of aborting.
    func pause(reason: String, timeout: Duration, timed: Bool = false, record: DeploymentRecord?, batch: RolloutProgress?) async throws(StoreError) -> DeploymentStateMachine.Event {
        let start = clock.now()
        let environment = request.environment.name
        try await journal.append(JournalEvent(kind: .paused, step: Step.verify.rawValue, message: masker.mask(reason)))
        await announcer.announce(.paused, record: record, batch: batch, reason: masker.mask(reason))
        let pausedAt = try await journal.store.journal(journal.id).last { $0.event.kind == .paused }?.sequence ?? 0
        let byItself = timed ? "going on by itself in" : "aborting by itself in"
        let detail = "paused: \(masker.mask(reason)); 'gantry promote \(environment)' goes on (--full: without the remaining pauses and bakes), 'gantry abort \(environment)' rolls back; \(byItself) \(DurationText.format(timeout))"
        await observer.observe(.stepStarted(.verify, detail: detail))
        await observer.observe(.output(detail))
        func decision() async throws(StoreError) -> DeploymentStateMachine.Event? {
            let entries = try await journal.store.journal(journal.id)
            guard let found = entries.first(where: { $0.sequence > pausedAt && ($0.event.kind == .promoted || $0.event.kind == .aborted) }) else { return nil }
            let said = found.event.message ?? found.event.kind.rawValue
            return found.event.kind == .promoted ? .promoted(said, full: found.event.full == true) : .aborted(said, .rolloutAborted)
        }
        while true {
            do {
                try await clock.sleep(for: DeploymentEngine.pausePollInterval)
            } catch {
                await observer.observe(.stepFinished(.verify, .failed, elapsed: clock.elapsed(since: start), detail: "interrupted while paused"))
                return .interrupted
            }
            if let decided = try await decision() {
                let (status, said): (StepStatus, String) = switch decided {
                case .promoted(let said, _): (.ok, said)
                case .aborted(let said, _): (.failed, said)
                default: (.failed, "decided")
                }
                await observer.observe(.stepFinished(.verify, status, elapsed: clock.elapsed(since: start), detail: said))
                return decided
            }
            if clock.now().timeIntervalSince(start) >= timeout.seconds {
                // A decision written since the read above still wins over the timeout.
                if let late = try await decision() { return late }
                if timed {
                    let why = "the pause step's \(DurationText.canonical(timeout)) passed"
                    try await journal.append(JournalEvent(kind: .promoted, step: Step.verify.rawValue, message: why))
                    // An abort written just before this promote still wins: the first decision
                    // after the pause is the one acted on.
                    if let first = try await decision(), case .aborted = first { return first }
                    await observer.observe(.stepFinished(.verify, .ok, elapsed: clock.elapsed(since: start), detail: why))
                    return .promoted(why)
                }
                let why = "no one promoted or aborted it within its pause_timeout (\(DurationText.format(timeout)))"
                try await journal.append(JournalEvent(kind: .aborted, step: Step.verify.rawValue, message: why))
                await observer.observe(.stepFinished(.verify, .failed, elapsed: clock.elapsed(since: start), detail: why))
                return .aborted(why, .pauseTimeout)
            }
        }
    }
}
