/// The driver of the lease wait: performs the store calls and observations `LeaseWait`
/// asks for and feeds their answers back, for the engine's run of one deployment.
struct LeaseWaitDriver: Sendable {
    enum Outcome {
        /// The lease, and when the request that took it was sent (boot-time clock, ns).
        case acquired(Lease, sentAt: UInt64)
        case refused(Refusal)
    }

    let store: any StateStore
    let processes: any ProcessControl
    let observer: any DeploymentObserver
    let clock: any GantryClock
    let request: DeploymentRequest
    let id: DeploymentID
    /// Where a note for the journal goes until the deployment's row exists.
    let notes: NoteBuffer

    private var environment: String { request.environment.name }

    /// Waits for the environment's lease: drives a `LeaseWait`, which holds the rules (arrival
    /// order up to `request.lockWait`, a dead holder on this host broken at once, a lock held
    /// by hand or a rollout left paused refused, `supersede`), doing the I/O it asks for.
    func acquire() async throws(StoreError) -> Outcome {
        let reason = request.kind == .rollback ? "rolling back to \(request.release)" : (request.kind == .recover ? "recovering" : "deploying \(request.release)")
        var wait = LeaseWait(
            LeaseWait.Settings(
                environment: environment, deploymentID: id, release: request.release.value, owner: request.origin,
                lockWait: request.lockWait, lease: request.environment.lease, supersede: request.environment.supersede,
                pollInterval: DeploymentEngine.lockPollInterval, heartbeat: DeploymentEngine.waiterHeartbeat, staleness: DeploymentEngine.waiterStaleness
            ),
            startedAt: clock.now()
        )
        var lockRequest = LockRequest(environment: environment, owner: request.origin, deploymentID: id, reason: reason, ttl: request.environment.lease, now: clock.now(), waiter: id)
        var action = wait.start()
        while true {
            switch action {
            case .attempt(let breaking, let waitersLiveSince):
                // Sent-time first, then the time the lease is measured from: a lease's expiry
                // is never earlier than its send time plus its length, which the guard relies on.
                let sentAt = clock.monotonicNanoseconds()
                let now = clock.now()
                lockRequest.now = now
                lockRequest.waitersLiveSince = waitersLiveSince
                lockRequest.breaking = breaking?.token
                let answer = try await store.tryAcquireLock(lockRequest)
                var holderDead = false
                if breaking == nil, case .held(let current) = answer, !current.isHeldByHand {
                    holderDead = HolderLiveness.isProvablyDead(current.owner, processes: processes)
                }
                action = wait.answered(answer, now: now, sentAt: sentAt, holderDead: holderDead)
            case .inspect(let holder):
                let journal = try await store.journal(holder)
                let paused = PausedRollout.pausedBatch(in: journal) != nil ? (RolloutProgress.latest(in: journal)?.text ?? "paused") : nil
                action = wait.inspected(pausedRollout: paused)
            case .enqueue(let waiter):
                try await store.enqueue(waiter, environment: environment)
                action = wait.enqueued()
            case .announce(let text):
                await observer.observe(.stepStarted(.lock, detail: text))
                action = wait.announced()
            case .readWaiters(let liveSince):
                action = wait.waitersRead(try await store.waiters(environment: environment, liveSince: liveSince))
            case .heartbeat(let now):
                try await store.heartbeat(environment: environment, deploymentID: id, now: now)
                action = wait.heartbeatSent()
            case .wait(let pause):
                do {
                    try await store.awaitLockRelease(environment: environment, waiter: id, timeout: pause, clock: clock)
                    action = wait.woke()
                } catch {
                    action = wait.interrupted()
                }
            case .acquired(let lease, let sentAt, let broke):
                // Taking the lease as a queued waiter left the queue in the same write.
                if let broke {
                    notes.append("broke lease \(broke.token): its holder, pid \(broke.owner.pid) on \(processes.hostName), is no longer running")
                }
                return .acquired(lease, sentAt: sentAt)
            case .refused(let refusal, let dequeue):
                if dequeue { try? await store.dequeue(environment: environment, deploymentID: id) }
                return .refused(refusal)
            }
        }
    }
}
