/// Running the deploy command: its attempts, retries by policy, and a second interruption's
/// stop at once.
extension DeploymentStateMachine {
    /// The deploy (or a `gantry rollback`'s) command: to `verifying` on success, to
    /// `deploying(n + 1)` for a retry, else falls back (`rollingBack`, or `finishing`).
    mutating func deploying(attempt: Int, _ event: Event) -> Action {
        switch event {
        case .commandFinished(let termination, let recognized):
            if let code = ReasonCode.command(termination) { causeCode = code.refined(by: recognized) }
            changedBatches = batch
            switch termination {
            case .exited(0):
                state = .verifying
                return .verify
            case .cancelled:
                interrupted = true
                return fallBack(because: .interruptedDuringCommand(command, attempt: attempt))
            case .exited, .signaled, .timedOut:
                if policy.retry.shouldRetry(after: termination, attempt: attempt) {
                    if policy.retry.onRetry == .rollback, policy.canRollBack, policy.kind == .deploy, let target = lastGood {
                        // Back to the last good release, verified, before the next attempt;
                        // a way back that fails ends here (`needsPerson`), never in another
                        // attempt on hosts in an unknown state.
                        failure = .commandFailed(command, termination, batch: position, attempt: attempt, of: policy.retry.attempts)
                        retryAfterRollback = attempt + 1
                        rollbackTarget = target
                        state = .rollingBack(to: target)
                        return .runRollback(to: target)
                    }
                    state = .deploying(attempt: attempt + 1)
                    return .runDeploy(attempt: attempt + 1, after: policy.retry.delay(before: attempt + 1, random: random()))
                }
                return fallBack(because: .commandFailed(command, termination, batch: position, attempt: attempt, of: policy.retry.attempts))
            }
        case .commandFailedToStart(let why):
            causeCode = .commandNotStarted
            if attempt > 1 { changedBatches = batch }
            if attempt == 1, batch == 1 {
                state = .finishing(.refused)
                reasonCode = .commandNotStarted
                return .finish(.refused, reason: .notStarted(why), promote: false)
            }
            return fallBack(because: .commandNotStarted(why, batch: position, attempt: attempt))
        case .interrupted:
            interrupted = true
            causeCode = .interrupted
            return fallBack(because: .interruptedBeforeAttempt(attempt, command))
        case .lockAcquired, .refused, .stateRead, .preflightDone, .verified, .stoppedAtOnce, .finished, .inconclusive, .promoted, .aborted:
            return unexpected(event)
        }
    }

    /// A second interruption, from any state: nothing new starts. Before any command the
    /// deployment is refused; after one it ends `interrupted` without a rollback. Once an
    /// outcome is being recorded it changes nothing.
    mutating func stopAtOnce(changed: Bool) -> Action {
        if recovering {
            // A recovery's rollback stopped at once restored nothing: the deployment that
            // recovers fails (`rollback_failed`), and the dead one stays `interrupted`.
            switch state {
            case .rollingBack(let target) where !changed: return rollingBack(to: target, .commandFailedToStart("interrupted twice before it could start"))
            case .rollingBack(let target): return needsPerson(.rollbackEnded(to: target, .cancelled))
            case .verifyingRollback(let target): return needsPerson(.interruptedVerifyingRollback(to: target))
            case .waitingForLock, .deciding, .preflight, .deploying, .verifying, .baking, .paused, .finishing, .finished: break
            }
        }
        switch state {
        case .finishing, .finished:
            return .none
        case .waitingForLock, .deciding, .preflight, .deploying, .verifying, .baking, .paused, .rollingBack, .verifyingRollback:
            guard changed else {
                state = .finishing(.refused)
                reasonCode = .interrupted
                return .finish(.refused, reason: .interruptedTwiceBeforeAnyCommand, promote: false)
            }
            state = .finishing(.interrupted)
            reasonCode = .interrupted
            return .finish(.interrupted, reason: .stoppedAtOnce(after: failure, command: command), promote: false)
        }
    }
}
