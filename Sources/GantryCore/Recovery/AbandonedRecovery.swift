import Foundation

/// Recovery of the deployments of this environment that died unfinished, done by the next
/// deployment under its own lease before it changes anything. What to do about each one is
/// a `RecoveryPlan`; a rollback runs through the run's own loop, on a machine that starts at
/// the rollback.
extension DeploymentRun {
    /// Finishes or undoes deployments of this environment that were killed before they
    /// recorded an outcome, before this one changes anything. Returns why this deployment
    /// must stop, when recovery itself failed.
    mutating func recoverAbandoned() async throws(StoreError) -> String? {
        for note in pendingNotes.drain() {
            try await journal.append(JournalEvent(kind: .note, message: note))
        }
        let abandoned = try await store.unfinishedDeployments(environment: environment, excluding: id)
        recovered = Set(abandoned.map(\.id))
        var reports: [String] = []
        for record in abandoned {
            let analysis = RecoveryAnalysis.analyze(try await store.journal(record.id))
            let start = engine.clock.now()
            let lastStep = analysis.lastStep ?? "start"
            await engine.observer.observe(.stepStarted(.recover, detail: "deployment \(record.id) of \(record.release) never finished (last step: \(lastStep))"))
            try await journal.append(JournalEvent(kind: .recovery, step: Step.recover.rawValue, message: "recovering deployment \(record.id) of \(record.release), killed during \(lastStep)"))
            if analysis.commandRunning {
                try await stopOrphans(of: record, analysis: analysis)
            }
            let lastGood = analysis.decidedOutcome == nil && analysis.mayHaveChanged ? try await store.environmentState(environment).lastGood : nil
            let plan = RecoveryPlan.forUnfinished(analysis, canRollBack: request.environment.rollback != nil, lastGood: lastGood)
            let (report, failure) = try await carryOut(plan, for: record, lastStep: lastStep, recorded: false)
            try await journal.append(JournalEvent(kind: .recovery, step: Step.recover.rawValue, message: report))
            await engine.observer.observe(.stepFinished(.recover, failure == nil ? .ok : .failed, elapsed: engine.clock.elapsed(since: start), detail: report))
            reports.append(report)
            if let failure { return failure }
        }
        if let failure = try await restoreLeftUnrestored(reports: &reports) { return failure }
        recoveryReport = reports.isEmpty ? nil : reports.joined(separator: "; ")
        return nil
    }

    /// Rolls back a deployment that a second interruption stopped at once, after it may
    /// have changed production: it recorded `interrupted` but left the hosts as they were.
    /// Only the newest deployment that ran counts; once anything ran after it, it is history.
    private mutating func restoreLeftUnrestored(reports: inout [String]) async throws(StoreError) -> String? {
        let found = try await store.lastEffectiveDeployment(environment: environment, excluding: id)
        // Nothing recovered and nothing to restore: decide() may reuse the answer (one round
        // trip less on a hand-off's critical path).
        if reports.isEmpty, found?.outcome != .interrupted { lastEffective = .some(found) }
        guard let last = found, last.outcome == .interrupted, !recovered.contains(last.id) else { return nil }
        let analysis = RecoveryAnalysis.analyze(try await store.journal(last.id))
        guard analysis.leftUnrestored else { return nil }
        let start = engine.clock.now()
        await engine.observer.observe(.stepStarted(.recover, detail: "deployment \(last.id) of \(last.release) was stopped at once and left production unrestored"))
        try await journal.append(JournalEvent(kind: .recovery, step: Step.recover.rawValue, message: "restoring after deployment \(last.id) of \(last.release), stopped at once by a second interruption"))
        let lastGood = try await store.environmentState(environment).lastGood
        guard let plan = RecoveryPlan.forLeftUnrestored(analysis, canRollBack: request.environment.rollback != nil, lastGood: lastGood) else { return nil }
        let (report, failure) = try await carryOut(plan, for: last, lastStep: analysis.lastStep ?? "deploy", recorded: true)
        try await journal.append(JournalEvent(kind: .recovery, step: Step.recover.rawValue, message: report))
        if failure == nil {
            // Said in its own journal too, so no later run restores it again, whatever this
            // run's own outcome.
            try await store.append(JournalEvent(kind: .recovery, step: Step.recover.rawValue, message: "restored by \(id): \(report)"), to: last.id, at: engine.clock.now(), token: token)
        }
        await engine.observer.observe(.stepFinished(.recover, failure == nil ? .ok : .failed, elapsed: engine.clock.elapsed(since: start), detail: report))
        reports.append(report)
        return failure
    }

    /// Performs `plan` for `record`: records its outcome unless it is `recorded` already,
    /// and returns what to report, with why this deployment must stop when recovery failed.
    private mutating func carryOut(_ plan: RecoveryPlan, for record: DeploymentRecord, lastStep: String, recorded: Bool) async throws(StoreError) -> (report: String, failure: String?) {
        let now = engine.clock.now()
        switch plan {
        case .recordDecided(let outcome, let reason, let code, let promote):
            try await store.finishDeployment(record.id, outcome: outcome, reason: reason + " (recorded by recovery, \(id))", code: code, at: now, promote: promote, token: token)
            return ("deployment \(record.id) had ended \(outcome.rawValue) but was killed before recording it; recorded now", nil)
        case .recordUntouched:
            try await store.finishDeployment(record.id, outcome: .interrupted, reason: "killed during \(lastStep), before changing anything; recovered by \(id)", code: .interrupted, at: now, promote: false, token: token)
            return ("deployment \(record.id) was killed during \(lastStep), before changing anything", nil)
        case .cannotRestore(let obstacle):
            if recorded {
                return ("deployment \(record.id) left production unrestored; \(obstacle.rawValue), so nothing was rolled back", nil)
            }
            try await store.finishDeployment(record.id, outcome: .interrupted, reason: "killed during \(lastStep); \(obstacle.rawValue): production may be partly changed; recovered by \(id)", code: .interrupted, at: now, promote: false, token: token)
            return ("deployment \(record.id) was killed during \(lastStep) and may have changed production; \(obstacle.rawValue), so it was not rolled back", nil)
        case .rollBack(let target, let reached, let pauseExpired):
            return try await rollBack(record, to: target, reached: reached, lastStep: lastStep, pauseExpired: pauseExpired, recorded: recorded)
        }
    }

    /// Rolls `record`'s hosts back to `target` through this run's own loop, driving a machine
    /// that starts at the rollback (`DeploymentStateMachine.recovering`): the rollback
    /// command, its verification, then the outcome the machine decides, recorded for the dead
    /// deployment unless it is `recorded` already.
    private mutating func rollBack(_ record: DeploymentRecord, to target: String, reached: [String]?, lastStep: String, pauseExpired: Bool, recorded: Bool) async throws(StoreError) -> (report: String, failure: String?) {
        var rollback = self
        rollback.machine = DeploymentStateMachine.recovering(release: record.release, killedDuring: lastStep, to: target, reached: reached, pauseExpired: pauseExpired)
        let hosts = reached.map { names in names.map { name in request.targets.first { $0.name == name } ?? TargetHost(name: name) } } ?? request.targets
        rollback.request.release = (try? Release(record.release)) ?? request.release
        rollback.request.targets = hosts
        rollback.batches = [hosts]
        rollback.rollbackStep = .recover
        rollback.changed = false
        rollback.restored = false
        let ending = try await rollback.drive(from: .runRollback(to: target))
        changed = changed || rollback.changed
        guard case .decided(let outcome, let decided, _, let code) = ending else {
            assertionFailure("a recovery's rollback ended on \(ending)")
            return ("deployment \(record.id): its rollback to \(target) reached no decision", "recovering deployment \(record.id) reached no decision; production needs a person")
        }
        let reason = masker.mask(decided.text)
        if !recorded {
            // A way back that failed is this deployment's failure (the machine says `failed`,
            // `rollback_failed`); the dead one stays what it was: killed, `interrupted`.
            let failed = outcome == .failed
            try await store.finishDeployment(
                record.id, outcome: failed ? .interrupted : outcome, reason: "\(reason); recovered by \(id)",
                code: failed ? .interrupted : code, at: engine.clock.now(), promote: false, token: token
            )
        }
        guard outcome != .failed else {
            return ("deployment \(record.id): \(reason)", "recovering deployment \(record.id) failed: \(reason)")
        }
        restored = true
        if pauseExpired, !recorded {
            // Those told it paused hear how it ended.
            let payload = NotificationPayload(event: .rolledBack, record: record, outcome: outcome, reason: reason, code: code, batch: nil, at: engine.clock.now())
            try? await store.enqueueNotifications(payload.outboxItems(for: request.environment.notify))
        }
        return ("deployment \(record.id): \(reason)", nil)
    }

    /// Stops what may still run of a dead deployment's command. Here (same machine and PID
    /// namespace) recovery stops it itself, signalling a journaled process group only when
    /// its leader is provably the one that was spawned. A command that ran elsewhere cannot
    /// be reached: its lease guard stopped it before its lease expired, and this deployment
    /// waits the guard's margin on top before it runs any command of its own.
    private mutating func stopOrphans(of record: DeploymentRecord, analysis: RecoveryAnalysis) async throws(StoreError) {
        let processes = engine.processes
        let grace = request.environment.deploy.grace
        if HolderLiveness.isLocal(record.origin, processes: processes) {
            let stray = await processes.stopProcesses(ofDeployment: record.id.rawValue, grace: grace)
            if stray > 0 {
                try await journal.append(JournalEvent(kind: .note, step: Step.recover.rawValue, message: "stopped \(stray) process(es) still running for deployment \(record.id)"))
            }
            if let group = analysis.runningGroup {
                if HolderLiveness.maySignal(group: group, leaderStart: analysis.runningGroupStart, of: record.origin, processes: processes) {
                    try await journal.append(JournalEvent(kind: .note, step: Step.recover.rawValue, message: "stopping its command's process group \(group) (SIGTERM, \(DurationText.format(grace)), SIGKILL)", pid: group))
                    await processes.stopGroup(group, grace: grace)
                } else {
                    try await journal.append(JournalEvent(kind: .note, step: Step.recover.rawValue, message: "its command's process group \(group) is gone (its id now names another process, or the machine rebooted); nothing to stop", pid: group))
                }
            }
            return
        }
        let rest = lease?.marginLeft(grace: grace) ?? LeaseGuardTiming(lease: request.environment.lease, grace: grace).margin
        let note = "its command ran on \(record.origin.host) (another machine or PID namespace) and cannot be signalled from here; its lease guard stopped it before the lease expired; waiting \(DurationText.format(max(rest, .zero))) more (the guard's margin) before running anything"
        try await journal.append(JournalEvent(kind: .note, step: Step.recover.rawValue, message: note))
        await engine.observer.observe(.stepStarted(.recover, detail: note))
        if rest > .zero {
            let clock = engine.clock
            try? await Task { try await clock.sleep(for: rest) }.value
        }
    }
}
