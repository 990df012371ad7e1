import Foundation

/// How a run starts and ends: refused before the lease, or the lease taken (or taken over
/// from a paused rollout), the deployment begun and abandoned ones recovered, the loop driven,
/// and the lease settled (released, held by hand, kept while paused).
extension DeploymentRun {
    mutating func perform() async throws(StoreError) -> DeploymentSummary {
        if let paused = request.resume { return try await carryOn(paused) }
        if let refusal = request.refusal {
            _ = machine.handle(.refused(refusal))
            await engine.observer.observe(.stepFinished(refusal.code == .runnerUnfit ? .runner : .lock, .failed, elapsed: .zero, detail: refusal.text))
            return try await recordRefusal(reason: "\(refusal); nothing was changed", code: refusal.code)
        }
        if request.kind == .deploy, let refusal = try await protection() {
            // The promotion gate and the approvals have their own break glass (`--skip-promotion`).
            let promotion = refusal.code == .notPromoted || refusal.code == .notApproved
            if let override = request.override, !promotion {
                pendingNotes.append("override of a refusal (\(refusal)) by \(request.origin.actor ?? request.origin.host): \(override)")
            } else {
                _ = machine.handle(.refused(refusal))
                await engine.observer.observe(.stepFinished(.lock, .failed, elapsed: .zero, detail: refusal.text))
                let breakGlass = promotion ? "--skip-promotion --reason TEXT" : "--override --reason TEXT"
                return try await recordRefusal(reason: "\(refusal); nothing was changed (\(breakGlass) deploys anyway)", code: refusal.code)
            }
        }
        let lockStart = engine.clock.now()
        await engine.observer.observe(.stepStarted(.lock, detail: "taking the \(environment) lease"))
        let waited = LeaseWaitDriver(
            store: store, processes: engine.processes, observer: engine.observer, clock: engine.clock, request: request, id: id, notes: pendingNotes
        )
        let session: LeaseSession
        switch try await waited.acquire() {
        case .acquired(let acquired, let sentAt):
            session = LeaseSession(
                lease: acquired, sentAt: sentAt, store: store, environment: environment, length: request.environment.lease, clock: engine.clock, timer: engine.timer
            )
        case .refused(let refusal):
            _ = machine.handle(.refused(refusal))
            await engine.observer.observe(.stepFinished(.lock, .failed, elapsed: engine.clock.elapsed(since: lockStart), detail: refusal.text))
            return try await recordRefusal(reason: refusal.text, code: refusal.code)
        }
        lease = session
        await engine.observer.observe(.stepFinished(.lock, .ok, elapsed: engine.clock.elapsed(since: lockStart), detail: "lease \(session.token) taken"))
        defer { session.renewer.cancel() }
        do {
            if request.rollsBackToPrevious { try await chooseRollbackTarget() }
            var started = DeploymentRecord(
                id: id, environment: environment, release: request.release.value, kind: request.kind, startedAt: startedAt,
                origin: request.origin, forced: request.force
            )
            started.breakGlass = brokeGlass
            try await store.beginDeployment(started, token: token)
            record = started
            try await journal.append(JournalEvent(kind: .deploymentStarted, message: request.force ? "forced" : nil, release: request.release.value))
            await announcer.announce(.started, record: record, batch: progress)
            if let brokeGlass { await announcer.announce(.breakGlass, record: record, batch: progress, reason: brokeGlass) }
            if let failure = try await recoverAbandoned() {
                let summary = try await finish(.failed, reason: .recoveryFailed(failure), promote: false, code: .rollbackFailed)
                try? await session.release()
                return summary
            }
            if request.kind == .recover {
                let summary = try await finish(.succeeded, reason: .recovered(report: recoveryReport, environment: environment), promote: false)
                try? await session.release()
                return summary
            }
            let ending = try await drive(from: machine.handle(.lockAcquired))
            let summary = try await conclude(ending)
            return try await settle(session, after: summary)
        } catch {
            try? await session.release()
            throw error
        }
    }

    /// `gantry promote` / `gantry abort` of a rollout another process left paused: takes over
    /// its lease (that token only), journals the decision, recovers nothing else, and drives
    /// the deployment on from where it paused.
    mutating func carryOn(_ paused: PausedRollout) async throws(StoreError) -> DeploymentSummary {
        await engine.observer.observe(.stepStarted(.lock, detail: "taking over the lease of paused deployment \(id)"))
        let takeOver = LockRequest(
            environment: environment, owner: request.origin, deploymentID: id, reason: "\(paused.abort ? "aborting" : "promoting") \(request.release)",
            ttl: request.environment.lease, now: engine.clock.now(), breaking: paused.token
        )
        let session = try await LeaseSession.takeOver(takeOver, store: store, clock: engine.clock, timer: engine.timer)
        lease = session
        defer { session.renewer.cancel() }
        // The lease was free or ours to break; the deployment must still be the paused one
        // (another promote or abort may have decided it and released the lease meanwhile).
        let current = try await store.deployment(id)
        guard current?.outcome == nil, PausedRollout.pausedBatch(in: try await store.journal(id)) == paused.afterBatch else {
            try? await session.release()
            throw StoreError(.staleToken, "deployment \(id) is no longer paused: another promote or abort decided it (\(current?.outcome?.rawValue ?? "unfinished"))")
        }
        record = paused.deployment
        changed = true
        await engine.observer.observe(.stepFinished(.lock, .ok, elapsed: .zero, detail: "lease \(session.token) taken over from \(paused.token)"))
        do {
            var decided = JournalEvent(kind: paused.abort ? .aborted : .promoted, step: Step.verify.rawValue, message: masker.mask(paused.decision))
            if paused.full, !paused.abort { decided.full = true }
            try await journal.append(decided)
            let state = try await store.environmentState(environment)
            previous = state.current
            let abort = paused.abort ? (paused.decision, ReasonCode.rolloutAborted) : nil
            let checked = CheckRunner.plan(request.environment.checks, targets: Array(batches.prefix(paused.afterBatch).joined())).count
            let ending = try await drive(from: machine.resume(afterBatch: paused.afterBatch, lastGood: state.lastGood, abort: abort, checked: checked, full: paused.full))
            let summary = try await conclude(ending)
            return try await settle(session, after: summary)
        } catch {
            try? await session.release()
            throw error
        }
    }

    /// Ends the lease after `summary`: held by hand after an automatic rollback with
    /// `lock_after_rollback`, kept until `pause_timeout` for a rollout left paused.
    private func settle(_ session: LeaseSession, after summary: DeploymentSummary) async throws(StoreError) -> DeploymentSummary {
        let hold = request.environment.lockAfterRollback
            ? "held after an automatic rollback: \(summary.reason); 'gantry unlock \(environment)' releases it" : nil
        try await session.settle(after: summary.outcome, pauseTimeout: request.environment.rollout?.pauseTimeout ?? RolloutConfig.defaultPauseTimeout, holdReason: hold)
        return summary
    }
}
