/// The way back: rolling back to the last good release, verifying it, and what is left when
/// that is impossible or fails (a person is needed).
extension DeploymentStateMachine {
    /// The rollback command: to `verifyingRollback` when it succeeded, else to
    /// `finishing(failed)`: production needs a person.
    mutating func rollingBack(to target: String, _ event: Event) -> Action {
        switch event {
        case .commandFinished(.exited(0), _):
            state = .verifyingRollback(to: target)
            return .verify
        case .commandFinished(let termination, _):
            return needsPerson(.rollbackEnded(to: target, termination))
        case .commandFailedToStart(let why):
            return needsPerson(.rollbackNotStarted(to: target, why: why))
        case .lockAcquired, .refused, .stateRead, .preflightDone, .verified, .interrupted, .stoppedAtOnce, .finished, .inconclusive, .promoted, .aborted:
            return unexpected(event)
        }
    }

    /// The checks after a rollback: to `finishing(rolled_back)` (or `interrupted`) when they
    /// pass, else to `finishing(failed)`.
    mutating func verifyingRollback(to target: String, _ event: Event) -> Action {
        switch event {
        case .verified(let failures, _, _):
            if failures.isEmpty, let next = retryAfterRollback, !interrupted {
                // `on_retry: rollback`: the hosts are back on the last good release; the
                // next attempt starts from there.
                retryAfterRollback = nil
                rollbackTarget = nil
                state = .deploying(attempt: next)
                return .runDeploy(attempt: next, after: policy.retry.delay(before: next, random: random()))
            }
            if failures.isEmpty {
                let outcome: Outcome = interrupted ? .interrupted : .rolledBack
                state = .finishing(outcome)
                reasonCode = interrupted ? .interrupted : causeCode
                let hosts = recoveredScope ?? (policy.batches > 1 ? .batches(changedBatches) : .all)
                return .finish(outcome, reason: .rolledBack(after: failure, to: target, hosts: hosts), promote: false)
            }
            return needsPerson(.rollbackUnverified(to: target, failures: failures))
        case .interrupted, .commandFinished(.cancelled, _):
            return needsPerson(.interruptedVerifyingRollback(to: target))
        case .lockAcquired, .refused, .stateRead, .preflightDone, .commandFinished, .commandFailedToStart, .stoppedAtOnce, .finished, .inconclusive, .promoted, .aborted:
            return unexpected(event)
        }
    }

    /// After a failure: roll back to the last good release when that is possible and wanted,
    /// or end, saying what production may look like.
    mutating func fallBack(because reason: DeploymentFailure) -> Action {
        failure = reason
        if interrupted, !policy.rollbackOnInterrupt {
            state = .finishing(.interrupted)
            reasonCode = .interrupted
            return .finish(.interrupted, reason: .leftAsIs(after: reason), promote: false)
        }
        let obstacle: RollbackObstacle? = if policy.kind != .deploy {
            .rollbackOfARollback
        } else if !policy.canRollBack {
            .noRollbackCommand
        } else if lastGood == nil {
            .noLastGood
        } else {
            nil
        }
        if let obstacle {
            guard interrupted else { return needsPerson(.obstacle(obstacle), code: policy.kind == .deploy ? .noRollbackPath : .rollbackFailed) }
            state = .finishing(.interrupted)
            reasonCode = .interrupted
            return .finish(.interrupted, reason: .noWayBack(after: reason, obstacle), promote: false)
        }
        guard let target = lastGood else { return needsPerson(.obstacle(.noLastGood), code: .noRollbackPath) }
        state = .rollingBack(to: target)
        rollbackTarget = target
        return .runRollback(to: target)
    }

    /// Ends `failed`: production may run an unverified release and a person must look.
    mutating func needsPerson(_ trouble: RollbackTrouble, code: ReasonCode = .rollbackFailed) -> Action {
        state = .finishing(.failed)
        reasonCode = code
        return .finish(.failed, reason: .needsPerson(after: failure, trouble), promote: false)
    }
}
