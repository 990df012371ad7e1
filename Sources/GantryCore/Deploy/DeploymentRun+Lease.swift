import Foundation

/// The lease of one deployment beyond taking it (`LeaseWaitDriver`): carrying on a paused
/// rollout's lease, settling it at the end (released, held by hand, kept while paused),
/// renewing it before a command when a renewal is due, and telling a guard's stop from a failure.
extension DeploymentRun {
    /// Releases the lease after `summary`: held by hand after an automatic rollback with
    /// `lock_after_rollback`, kept until `pause_timeout` for a rollout left paused.
    func settleLease(after summary: DeploymentSummary, renewer: Task<Void, Never>) async throws(StoreError) -> DeploymentSummary {
        if summary.outcome == .paused, let token {
            // A renewal still in flight must not land after the extension and shorten it.
            renewer.cancel()
            await renewer.value
            let timeout = request.environment.rollout?.pauseTimeout ?? RolloutConfig.defaultPauseTimeout
            _ = try await store.renewLock(environment: environment, token: token, ttl: timeout, now: engine.clock.now())
            return summary
        }
        if summary.outcome == .rolledBack, request.environment.lockAfterRollback, let token {
            renewer.cancel()
            try await store.holdLock(environment: environment, token: token, reason: "held after an automatic rollback: \(summary.reason); 'gantry unlock \(environment)' releases it")
            return summary
        }
        try? await release()
        return summary
    }

    /// `gantry promote` / `gantry abort` of a rollout another process left paused: takes over
    /// its lease (that token only), journals the decision, recovers nothing else, and drives
    /// the deployment on from where it paused.
    mutating func carryOn(_ paused: PausedRollout) async throws(StoreError) -> DeploymentSummary {
        await engine.observer.observe(.stepStarted(.lock, detail: "taking over the lease of paused deployment \(id)"))
        let now = engine.clock.now()
        let takeOver = LockRequest(
            environment: environment, owner: request.origin, deploymentID: id, reason: "\(paused.abort ? "aborting" : "promoting") \(request.release)",
            ttl: request.environment.lease, now: now, breaking: paused.token
        )
        let sentAt = engine.clock.monotonicNanoseconds()
        guard case .acquired(let lease) = try await store.tryAcquireLock(takeOver) else {
            throw StoreError(.staleToken, "the paused rollout's lease \(paused.token) is no longer current: another process decided it, or it timed out and was recovered")
        }
        acquiredAt = engine.clock.monotonicNanoseconds()
        watch = LeaseWatch(sentAt: sentAt)
        token = lease.token
        // The lease was free or ours to break; the deployment must still be the paused one
        // (another promote or abort may have decided it and released the lease meanwhile).
        let current = try await store.deployment(id)
        guard current?.outcome == nil, PausedRollout.pausedBatch(in: try await store.journal(id)) == paused.afterBatch else {
            try? await release()
            throw StoreError(.staleToken, "deployment \(id) is no longer paused: another promote or abort decided it (\(current?.outcome?.rawValue ?? "unfinished"))")
        }
        record = paused.deployment
        changed = true
        await engine.observer.observe(.stepFinished(.lock, .ok, elapsed: .zero, detail: "lease \(lease.token) taken over from \(paused.token)"))
        let renewer = LeaseRenewer.start(store: store, environment: environment, token: lease.token, lease: request.environment.lease, clock: engine.clock, timer: engine.timer, watch: watch)
        defer { renewer.cancel() }
        do {
            try await journal(JournalEvent(kind: paused.abort ? .aborted : .promoted, step: Step.verify.rawValue, message: masker.mask(paused.decision)))
            let state = try await store.environmentState(environment)
            previous = state.current
            let abort = paused.abort ? (paused.decision, ReasonCode.rolloutAborted) : nil
            let checked = CheckRunner.plan(request.environment.checks, targets: Array(batches.prefix(paused.afterBatch).joined())).count
            let summary = try await drive(from: machine.resume(afterBatch: paused.afterBatch, lastGood: state.lastGood, abort: abort, checked: checked))
            return try await settleLease(after: summary, renewer: renewer)
        } catch {
            try? await release()
            throw error
        }
    }

    func release() async throws(StoreError) {
        if let token { try await store.releaseLock(environment: environment, token: token) }
    }

    /// Renews the lease before a command starts when a renewal is due (the newest confirmed
    /// send is more than a third of the lease old): a deployment slowed down by a loaded
    /// machine or store then starts its command with most of a lease ahead of it, instead
    /// of having the command's guard stop it, or refuse to start it, for a staleness that
    /// one renewal clears. An answer that the lease is gone tells the guards so; a store
    /// that does not answer within a third of the lease leaves the judgement to the guard.
    func freshenLease(_ watch: LeaseWatch) async {
        guard !watch.isLost, let token else { return }
        let lease = request.environment.lease
        let clock = engine.clock
        let timer = engine.timer
        let now = clock.monotonicNanoseconds()
        guard now &- min(watch.lastConfirmed, now) > UInt64(clamping: (lease / 3).milliseconds) * 1_000_000 else { return }
        let store = store
        let environment = environment
        let renewal: @Sendable () async -> Void = {
            _ = await LeaseRenewer.renewOnce(store: store, environment: environment, token: token, lease: lease, clock: clock, timer: timer, watch: watch)
        }
        if Task.isCancelled { await Task { await renewal() }.value } else { await renewal() }
    }

    /// Whether a command that ended this way was stopped by its lease guard for a lease that
    /// was lost or not renewed in time (`lease_lost`), rather than failing on its own.
    func leaseStopped(_ termination: CommandTermination) -> ReasonCode? {
        guard let watch else { return nil }
        let stale = engine.clock.monotonicNanoseconds() &- min(watch.lastConfirmed, engine.clock.monotonicNanoseconds())
            >= UInt64(clamping: LeaseGuardTiming.shortestTerm(lease: request.environment.lease).milliseconds) * 1_000_000
        switch termination {
        case .signaled, .exited(LeaseGuardTiming.tooLateStatus): return watch.isLost || stale ? .leaseLost : nil
        default: return nil
        }
    }
}
