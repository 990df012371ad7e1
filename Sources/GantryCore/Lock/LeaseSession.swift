import Foundation

/// The lease one deployment holds, from the moment it is taken to its settling: the token
/// that fences every write, the link to the guards of its commands, and the renewals that
/// keep it alive. Taking it is `LeaseWaitDriver`'s job (or `takeOver`'s, for a paused
/// rollout); this is everything the run does with it afterwards.
struct LeaseSession: Sendable {
    let store: any StateStore
    let environment: String
    /// The lease's length (`lease:` of the environment).
    let length: Duration
    let clock: any GantryClock
    let token: FencingToken
    /// What the guards of this deployment's commands watch: renewals confirmed, or the lease lost.
    let watch: LeaseWatch
    /// When the lease was taken, on the machine's boot-time clock.
    let acquiredAt: UInt64
    let timer: any GantryClock
    /// Renews the lease every third of its length until cancelled (`LeaseRenewer`).
    let renewer: Task<Void, Never>

    /// Starts holding `lease`, taken by a request sent at `sentAt` (boot-time clock): the
    /// guards count from that send, and so do the renewals.
    init(lease: Lease, sentAt: UInt64, store: any StateStore, environment: String, length: Duration, clock: any GantryClock, timer: any GantryClock) {
        self.store = store
        self.environment = environment
        self.length = length
        self.clock = clock
        self.timer = timer
        token = lease.token
        acquiredAt = clock.monotonicNanoseconds()
        let watch = LeaseWatch(sentAt: sentAt)
        self.watch = watch
        renewer = LeaseRenewer.start(store: store, environment: environment, token: lease.token, lease: length, clock: clock, timer: timer, watch: watch)
    }

    /// `gantry promote` / `gantry abort` of a rollout another process left paused: takes over
    /// its lease, that token only (`request.breaking`).
    static func takeOver(_ request: LockRequest, store: any StateStore, clock: any GantryClock, timer: any GantryClock) async throws(StoreError) -> LeaseSession {
        let sentAt = clock.monotonicNanoseconds()
        guard case .acquired(let lease) = try await store.tryAcquireLock(request) else {
            throw StoreError(.staleToken, "the paused rollout's lease \(request.breaking.map { "\($0)" } ?? "") is no longer current: another process decided it, or it timed out and was recovered")
        }
        return LeaseSession(lease: lease, sentAt: sentAt, store: store, environment: request.environment, length: request.ttl, clock: clock, timer: timer)
    }

    /// Ends the lease after `outcome`: kept until `pauseTimeout` for a rollout left paused,
    /// held by hand with `holdReason` (after an automatic rollback under
    /// `lock_after_rollback`), released otherwise.
    func settle(after outcome: Outcome, pauseTimeout: Duration, holdReason: String?) async throws(StoreError) {
        if outcome == .paused {
            // A renewal still in flight must not land after the extension and shorten it.
            renewer.cancel()
            await renewer.value
            _ = try await store.renewLock(environment: environment, token: token, ttl: pauseTimeout, now: clock.now())
            return
        }
        if outcome == .rolledBack, let holdReason {
            renewer.cancel()
            try await store.holdLock(environment: environment, token: token, reason: holdReason)
            return
        }
        try? await release()
    }

    func release() async throws(StoreError) {
        try await store.releaseLock(environment: environment, token: token)
    }

    /// The guard a command runs under: it stops the command before the lease can expire.
    func guardSpec(grace: Duration) -> LeaseGuardSpec {
        LeaseGuardSpec(watch: watch, timing: LeaseGuardTiming(lease: length, grace: grace))
    }

    /// Renews the lease before a command starts when a renewal is due (the newest confirmed
    /// send is more than a third of the lease old): a deployment slowed down by a loaded
    /// machine or store then starts its command with most of a lease ahead of it, instead
    /// of having the command's guard stop it, or refuse to start it, for a staleness that
    /// one renewal clears. An answer that the lease is gone tells the guards so; a store
    /// that does not answer within a third of the lease leaves the judgement to the guard.
    func freshen() async {
        guard !watch.isLost else { return }
        let now = clock.monotonicNanoseconds()
        guard RenewalSchedule(lease: length).freshenDue(sinceConfirmed: .nanoseconds(Int64(clamping: now &- min(watch.lastConfirmed, now)))) else { return }
        let (store, environment, token, length, clock, timer, watch) = (store, environment, token, length, clock, timer, watch)
        let renewal: @Sendable () async -> Void = {
            _ = await LeaseRenewer.renewOnce(store: store, environment: environment, token: token, lease: length, clock: clock, timer: timer, watch: watch)
        }
        if Task.isCancelled { await Task { await renewal() }.value } else { await renewal() }
    }

    /// Whether a command that ended this way was stopped by its lease guard for a lease that
    /// was lost or not renewed in time (`lease_lost`), rather than failing on its own.
    func stoppedByGuard(_ termination: CommandTermination) -> ReasonCode? {
        let now = clock.monotonicNanoseconds()
        return LeaseGuardTiming.stoppedForLease(termination, sinceConfirmed: now &- min(watch.lastConfirmed, now), lost: watch.isLost, lease: length)
    }

    /// How much of the guard's margin (`LeaseGuardTiming.margin`) is still to wait since the
    /// lease was taken: a holder on another machine may have run a command until its guard's
    /// SIGKILL, and that command may take up to the margin to die.
    func marginLeft(grace: Duration) -> Duration {
        let margin = LeaseGuardTiming(lease: length, grace: grace).margin
        return margin - .nanoseconds(Int64(clock.monotonicNanoseconds() &- acquiredAt))
    }
}
