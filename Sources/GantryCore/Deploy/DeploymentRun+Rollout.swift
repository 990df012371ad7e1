import Foundation

/// A rollout's waits between batches: the bake (with its analyses), and a pause for a
/// person, waited for here or left in the store (`on_pause: exit`).
extension DeploymentRun {
    /// Bakes the batch just checked: its analyses measure while the bake lasts, then the
    /// checks run again. A failed analysis fails the batch at once; an inconclusive one
    /// (with everything else passing) pauses the rollout.
    mutating func bake(for duration: Duration) async throws(StoreError) -> DeploymentStateMachine.Action {
        let analyses = request.environment.checks.filter { $0.analysis != nil }
        let label = "batch \(machine.batch)/\(batches.count)"
        let detail = "baking \(label) for \(DurationText.format(duration))\(analyses.isEmpty ? "" : " while \(analyses.count) analys\(analyses.count == 1 ? "is runs" : "es run")"), then checking it again"
        try await journal(JournalEvent(kind: .note, step: Step.verify.rawValue, message: detail))
        await engine.observer.observe(.stepStarted(.verify, detail: detail))
        let bakeStart = engine.clock.now()
        let hosts = checkedHosts
        var verdicts: [AnalysisVerdict] = []
        if !analyses.isEmpty {
            verdicts = await AnalysisRunner(prober: engine.prober, clock: engine.clock).run(
                analyses, hosts: hosts, window: duration, environment: request.processEnvironment, masker: masker
            )
            for verdict in verdicts {
                try await journal(verdict.journalEvent)
                await engine.observer.observe(.checkFinished(verdict.checkResult))
            }
        }
        let failed = verdicts.filter { $0.phase == .failed || $0.phase == .error }
        if !Task.isCancelled, failed.isEmpty {
            let rest = duration - .milliseconds(Int64(engine.clock.now().timeIntervalSince(bakeStart) * 1000))
            if rest > .zero { try? await engine.clock.sleep(for: rest) }
        }
        if Task.isCancelled {
            await engine.observer.observe(.stepFinished(.verify, .failed, elapsed: elapsed(since: bakeStart), detail: "interrupted while baking \(label)"))
            return machine.handle(.interrupted)
        }
        let inconclusive = verdicts.filter { $0.phase == .inconclusive }
        let status: StepStatus = failed.isEmpty && inconclusive.isEmpty ? .ok : .failed
        let judged = verdicts.isEmpty ? "" : "; analyses: " + verdicts.map { "\($0.name) \($0.phase.rawValue)" }.joined(separator: ", ")
        await engine.observer.observe(.stepFinished(.verify, status, elapsed: elapsed(since: bakeStart), detail: "\(label) baked\(judged)"))
        if !failed.isEmpty {
            return machine.handle(.verified(
                failures: failed.map { "analysis \($0.name) \($0.phase.rawValue): \($0.message)" }, checked: verdicts.count, code: .analysisFailed
            ))
        }
        return try await verify(step: .verify, inconclusive: inconclusive)
    }

    /// `on_pause: exit`: leaves the rollout paused in the store for `gantry promote` or `gantry
    /// abort` to carry on, its lease kept until `timeout` (`settleLease`), and ends this run
    /// with `paused` (exit 5). Left undecided, the next deploy or recover rolls it back once the
    /// lease has expired.
    mutating func leavePaused(reason: String, timeout: Duration) async throws(StoreError) -> DeploymentSummary {
        var event = JournalEvent(kind: .paused, step: Step.verify.rawValue, message: masker.mask(reason))
        event.detached = true
        try await journal(event)
        await announce(.paused, reason: masker.mask(reason))
        machine.detach()
        let text = "paused: \(masker.mask(reason)); 'gantry promote \(environment)' deploys the remaining batches, 'gantry abort \(environment)' rolls back; rolled back by the next deploy or recover once \(DurationText.format(timeout)) have passed"
        await engine.observer.observe(.stepFinished(.verify, .skipped, elapsed: .zero, detail: text))
        return summary(outcome: .paused, reason: text, code: nil, finishedAt: engine.clock.now())
    }

    /// Waits for a person: `gantry promote ENV` or `gantry abort ENV` (from any runner) write
    /// their decision into this deployment's journal with its lease's token; after `timeout`
    /// the rollout aborts by itself. The lease is renewed all along.
    mutating func pause(reason: String, timeout: Duration) async throws(StoreError) -> DeploymentStateMachine.Action {
        let start = engine.clock.now()
        try await journal(JournalEvent(kind: .paused, step: Step.verify.rawValue, message: masker.mask(reason)))
        await announce(.paused, reason: masker.mask(reason))
        let pausedAt = try await store.journal(id).last { $0.event.kind == .paused }?.sequence ?? 0
        let detail = "paused: \(masker.mask(reason)); 'gantry promote \(environment)' goes on, 'gantry abort \(environment)' rolls back; aborting by itself in \(DurationText.format(timeout))"
        await engine.observer.observe(.stepStarted(.verify, detail: detail))
        await engine.observer.observe(.output(detail))
        while true {
            do {
                try await engine.clock.sleep(for: DeploymentEngine.pausePollInterval)
            } catch {
                await engine.observer.observe(.stepFinished(.verify, .failed, elapsed: elapsed(since: start), detail: "interrupted while paused"))
                return machine.handle(.interrupted)
            }
            let entries = try await store.journal(id)
            if let decision = entries.first(where: { $0.sequence > pausedAt && ($0.event.kind == .promoted || $0.event.kind == .aborted) }) {
                let said = decision.event.message ?? decision.event.kind.rawValue
                await engine.observer.observe(.stepFinished(.verify, decision.event.kind == .promoted ? .ok : .failed, elapsed: elapsed(since: start), detail: said))
                return decision.event.kind == .promoted ? machine.handle(.promoted(said)) : machine.handle(.aborted(said, .rolloutAborted))
            }
            if engine.clock.now().timeIntervalSince(start) >= timeout.seconds {
                // A decision written since the read above still wins over the timeout.
                if let late = try await store.journal(id).first(where: { $0.sequence > pausedAt && ($0.event.kind == .promoted || $0.event.kind == .aborted) }) {
                    let said = late.event.message ?? late.event.kind.rawValue
                    return late.event.kind == .promoted ? machine.handle(.promoted(said)) : machine.handle(.aborted(said, .rolloutAborted))
                }
                let why = "no one promoted or aborted it within its pause_timeout (\(DurationText.format(timeout)))"
                try await journal(JournalEvent(kind: .aborted, step: Step.verify.rawValue, message: why))
                await engine.observer.observe(.stepFinished(.verify, .failed, elapsed: elapsed(since: start), detail: why))
                return machine.handle(.aborted(why, .pauseTimeout))
            }
        }
    }
}
