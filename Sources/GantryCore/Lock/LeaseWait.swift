package import Foundation

/// Waiting for an environment's lease, as a value: events in, one action out, no I/O.
///
/// A deployment waits its turn in arrival order up to its `--wait`; it refuses at once a
/// lock held by hand or a rollout left paused; it breaks a lease whose holder is provably
/// dead; with `supersede` it gives up when a newer deployment queues behind it; it says it is
/// alive every `heartbeat` while it waits. Those rules used to be one loop of store calls,
/// so each could only be tested through a store and a clock. Here the driver
/// (`DeploymentEngine.acquireLock`) performs the action the machine returns (ask the store,
/// read a journal, enqueue, wait) and feeds back what came of it, with the time it happened;
/// the rules, timers included, are tested by feeding events (`LeaseWaitTests`).
///
/// Moves, per poll: `attempt` → (`inspect` the holder's journal) → (`attempt` breaking a
/// dead holder's lease) → `enqueue` (once) → `announce` (once) → `readWaiters` (with
/// `supersede`) → `heartbeat` (when due) → `wait` → `attempt` again; ending in `acquired` or
/// `refused`. An event the current phase does not expect fails in debug builds and ends the
/// wait with a refusal in release builds, never silently.
package struct LeaseWait: Sendable {
    /// What the wait is for and how it behaves.
    package struct Settings: Sendable {
        package var environment: String
        package var deploymentID: DeploymentID
        package var release: String
        package var owner: Origin
        /// How long to wait for the lease (`--wait`); zero refuses at the first answer.
        package var lockWait: Duration
        /// The environment's lease length: an expiry further away than half a length more is
        /// a lease extended beyond any renewal (a paused rollout's).
        package var lease: Duration
        var supersede: Bool
        /// How long one wait for a release lasts before the store is asked again.
        var pollInterval: Duration
        /// How often a waiter tells the queue it is alive.
        package var heartbeat: Duration
        /// Waiters silent for longer are skipped by everyone.
        var staleness: Duration

        package init(
            environment: String, deploymentID: DeploymentID, release: String, owner: Origin, lockWait: Duration, lease: Duration,
            supersede: Bool, pollInterval: Duration, heartbeat: Duration, staleness: Duration
        ) {
            self.environment = environment
            self.deploymentID = deploymentID
            self.release = release
            self.owner = owner
            self.lockWait = lockWait
            self.lease = lease
            self.supersede = supersede
            self.pollInterval = pollInterval
            self.heartbeat = heartbeat
            self.staleness = staleness
        }
    }

    /// What the driver does next.
    package enum Action: Sendable, Hashable {
        /// Ask the store for the lease (`LockRequest.breaking` = `breaking`'s token when set);
        /// answer with `answered`.
        case attempt(breaking: Lease?, waitersLiveSince: Date?)
        /// Read this deployment's journal: is it a rollout left paused? Answer with `inspected`.
        case inspect(DeploymentID)
        /// Join the queue; answer with `enqueued`.
        case enqueue(LockWaiter)
        /// Tell the person watching why the deployment waits; answer with `announced`.
        case announce(String)
        /// Read the live waiters; answer with `waitersRead`.
        case readWaiters(liveSince: Date)
        /// Tell the queue this waiter is alive; answer with `heartbeatSent`.
        case heartbeat(at: Date)
        /// Wait for the lease's release, at most this long; answer with `woke` (or
        /// `interrupted` when the wait was cancelled).
        case wait(Duration)
        /// The lease is this deployment's. `sentAt`: when the request that took it was sent
        /// (boot-time ns); `broke`: the dead holder's lease it replaced.
        case acquired(Lease, sentAt: UInt64, broke: Lease?)
        /// No lease; leave the queue first when `dequeue`.
        case refused(Refusal, dequeue: Bool)
    }

    private enum Phase: Sendable {
        case idle
        case attempting
        case inspecting(Lease, holderDead: Bool)
        case breaking(Lease)
        case enqueuing, announcing, readingWaiters, heartbeating, waiting
        case done
    }

    package let settings: Settings
    private let deadline: Date
    private var phase = Phase.idle
    private var now: Date
    private var isEnqueued = false
    private var isAnnounced = false
    private var lastHeartbeat: Date
    /// The lease (token and expiry) whose deployment was looked at for a rollout left paused.
    private var inspected: (token: FencingToken, expiresAt: Date)?
    /// This poll's answer: why the deployment cannot have the lease yet, and how long to wait.
    private var blocker = ""
    private var pause: Duration = .zero
    private var waitersChecked = false

    package init(_ settings: Settings, startedAt: Date) {
        self.settings = settings
        deadline = startedAt.addingTimeInterval(settings.lockWait.seconds)
        now = startedAt
        lastHeartbeat = startedAt
    }

    /// The first action.
    package mutating func start() -> Action {
        guard case .idle = phase else { return unexpected("start") }
        return attempt()
    }

    /// The store's answer to `attempt`, asked at `now` (sent at `sentAt`, boot-time ns).
    /// `holderDead`: a held lease's owner is a process of this host that no longer runs
    /// (only asked of a lease held by a deployment).
    package mutating func answered(_ answer: LockAttempt, now: Date, sentAt: UInt64, holderDead: Bool) -> Action {
        self.now = now
        switch phase {
        case .attempting:
            guard case .held(let current) = answer else { return settle(answer, sentAt: sentAt, broke: nil) }
            if current.isHeldByHand {
                return refuse(.lockHeldByHand, "\(settings.environment) is held by hand by \(current.owner.actor ?? current.owner.host) since \(Timestamp.format(current.acquiredAt)): \(current.reason ?? "no reason given"); 'gantry unlock \(settings.environment)' releases it")
            }
            // Looked at once per lease, again when its expiry moves beyond a renewal's reach (a
            // rollout left paused keeps its lease until pause_timeout: a running one may pause
            // while this one waits), and always before a dead-looking holder is broken.
            let extended = current.expiresAt.timeIntervalSince(now) > settings.lease.seconds * 1.5 && inspected?.expiresAt != current.expiresAt
            if inspected?.token != current.token || extended || holderDead, let holder = current.deploymentID {
                inspected = (current.token, current.expiresAt)
                phase = .inspecting(current, holderDead: holderDead)
                return .inspect(holder)
            }
            return holderDead ? breakLease(current) : settle(answer, sentAt: sentAt, broke: nil)
        case .breaking(let broken):
            return settle(answer, sentAt: sentAt, broke: broken)
        default:
            return unexpected("answered")
        }
    }

    /// What the holder's journal says: `pausedRollout` is its rollout's progress when it is
    /// a rollout left paused, nil when it is not.
    package mutating func inspected(pausedRollout: String?) -> Action {
        guard case .inspecting(let current, let holderDead) = phase else { return unexpected("inspected") }
        if let progress = pausedRollout {
            // A rollout left paused (on_pause: exit) holds its lease with no process behind
            // it: not a dead holder, and nothing to wait for.
            let holder = current.deploymentID.map { "\($0)" } ?? "?"
            return refuse(.rolloutPaused, "\(settings.environment) has a rollout left paused (deployment \(holder), \(progress)); 'gantry promote \(settings.environment)' or 'gantry abort \(settings.environment)' decides it, and it is rolled back once its pause_timeout has passed (\(Timestamp.format(current.expiresAt)))")
        }
        return holderDead ? breakLease(current) : settle(.held(current), sentAt: 0, broke: nil)
    }

    package mutating func enqueued() -> Action {
        guard case .enqueuing = phase else { return unexpected("enqueued") }
        isEnqueued = true
        return next()
    }

    package mutating func announced() -> Action {
        guard case .announcing = phase else { return unexpected("announced") }
        isAnnounced = true
        return next()
    }

    /// The live waiters, in queue order.
    package mutating func waitersRead(_ waiters: [LockWaiter]) -> Action {
        guard case .readingWaiters = phase else { return unexpected("waitersRead") }
        waitersChecked = true
        if let mine = waiters.firstIndex(where: { $0.deploymentID == settings.deploymentID }), mine < waiters.count - 1 {
            let newer = waiters[waiters.count - 1]
            return refuse(.superseded, "superseded by deployment \(newer.deploymentID) (release \(newer.release)), queued behind it")
        }
        return next()
    }

    package mutating func heartbeatSent() -> Action {
        guard case .heartbeating = phase else { return unexpected("heartbeatSent") }
        lastHeartbeat = now
        return next()
    }

    /// The wait ended (the lease was released, or the pause passed): ask again.
    package mutating func woke() -> Action {
        guard case .waiting = phase else { return unexpected("woke") }
        return attempt()
    }

    /// The wait was cancelled (the deployment was interrupted).
    package mutating func interrupted() -> Action {
        switch phase {
        case .done: return unexpected("interrupted")
        default: return refuse(.interrupted, "interrupted while waiting for the lock: \(blocker.isEmpty ? "\(settings.environment) was locked" : blocker); nothing was changed")
        }
    }

    // MARK: - moves

    private mutating func attempt() -> Action {
        phase = .attempting
        waitersChecked = false
        return .attempt(breaking: nil, waitersLiveSince: now.addingTimeInterval(-settings.staleness.seconds))
    }

    private mutating func breakLease(_ current: Lease) -> Action {
        phase = .breaking(current)
        return .attempt(breaking: current, waitersLiveSince: now.addingTimeInterval(-settings.staleness.seconds))
    }

    /// The answer is final for this poll: the lease, or why not and what to do meanwhile.
    private mutating func settle(_ answer: LockAttempt, sentAt: UInt64, broke: Lease?) -> Action {
        switch answer {
        case .acquired(let lease):
            phase = .done
            return .acquired(lease, sentAt: sentAt, broke: broke)
        case .held(let lease):
            var holder = lease.owner.summary
            if let deployment = lease.deploymentID { holder += ", deployment \(deployment)" }
            if let why = lease.reason { holder += ": \(why)" }
            blocker = "\(settings.environment) is locked by \(holder) since \(Timestamp.format(lease.acquiredAt))"
            pause = settings.pollInterval
        case .queuedBehind(let waiter):
            blocker = "deployment \(waiter.deploymentID) (release \(waiter.release)) is ahead in the queue for \(settings.environment)"
            // Not next in line: look less often, leaving the store to the head of the queue.
            pause = settings.pollInterval * 2
        }
        if now >= deadline {
            let waited = settings.lockWait > .zero ? " after waiting \(DurationText.format(settings.lockWait))" : ""
            return refuse(.lockWaitTimeout, "\(blocker)\(waited)")
        }
        return next()
    }

    /// The next thing to do while the lease is not to be had, in order: join the queue, say
    /// why, look for a newer waiter, say it is alive, wait.
    private mutating func next() -> Action {
        if !isEnqueued {
            phase = .enqueuing
            return .enqueue(LockWaiter(deploymentID: settings.deploymentID, release: settings.release, owner: settings.owner, enqueuedAt: now, heartbeatAt: now))
        }
        if !isAnnounced {
            phase = .announcing
            return .announce("waiting up to \(DurationText.format(settings.lockWait)): \(blocker)")
        }
        if settings.supersede, !waitersChecked {
            phase = .readingWaiters
            return .readWaiters(liveSince: now.addingTimeInterval(-settings.staleness.seconds))
        }
        if now.timeIntervalSince(lastHeartbeat) >= settings.heartbeat.seconds, !isHeartbeating {
            phase = .heartbeating
            return .heartbeat(at: now)
        }
        phase = .waiting
        return .wait(pause)
    }

    private var isHeartbeating: Bool {
        if case .heartbeating = phase { true } else { false }
    }

    private mutating func refuse(_ code: ReasonCode, _ text: String) -> Action {
        phase = .done
        return .refused(Refusal(code, text), dequeue: isEnqueued)
    }

    /// An event this phase cannot receive: a bug in the driver.
    private mutating func unexpected(_ event: String) -> Action {
        assertionFailure("lease wait: '\(event)' in phase \(phase)")
        return refuse(.interrupted, "internal error: the lock wait got '\(event)' while \(phase); nothing was changed")
    }
}
