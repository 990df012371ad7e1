/// A rollout's batches: the bake after each, its pause step, a pause for a person, and
/// carrying on a rollout another process left paused.
extension DeploymentStateMachine {
    /// Baking a batch that passed its checks: to the next batch when its checks still pass at
    /// the end, else falls back.
    mutating func baking(_ event: Event) -> Action {
        switch event {
        case .verified(let failures, _, let code):
            if failures.isEmpty { return batchPassed() }
            causeCode = code ?? .checkFailed
            return fallBack(because: .failedVerification(release: release, batch: position, afterBaking: true, failures: failures))
        case .interrupted, .commandFinished(.cancelled, _):
            interrupted = true
            causeCode = .interrupted
            return fallBack(because: .interrupted(while: .baking, release: release, batch: position))
        case .inconclusive(let why, let checked):
            lastChecked = checked
            state = .paused
            return .pause(PauseReason(release: release, batch: position, why: why), timeout: policy.pauseTimeout)
        case .lockAcquired, .refused, .stateRead, .preflightDone, .commandFinished, .commandFailedToStart, .stoppedAtOnce, .finished, .promoted, .aborted:
            return unexpected(event)
        }
    }

    /// Paused for a person: to the next batch on `promoted`; falls back on `aborted` (by
    /// `gantry abort` or the pause's timeout) or an interruption.
    mutating func paused(_ event: Event) -> Action {
        switch event {
        case .promoted(_, let full):
            if full { skipsWaits = true }
            // A person let this batch go on: its pause step, if any, is behind it.
            pauseStepTaken = batch
            if pausedBeforeBake, (batch < policy.batches), (policy.bake > .zero), !skipsWaits {
                // Paused before its bake (an alert): the batch still bakes and is analysed.
                pausedBeforeBake = false
                state = .baking
                return .bake(for: policy.bake)
            }
            pausedBeforeBake = false
            return batch < policy.batches ? nextBatch() : succeed(checked: lastChecked)
        case .aborted(let why, let code):
            causeCode = code
            return fallBack(because: .pausedThenAborted(release: release, batch: position, why: why))
        case .interrupted, .commandFinished(.cancelled, _):
            interrupted = true
            causeCode = .interrupted
            return fallBack(because: .interrupted(while: .paused, release: release, batch: position))
        case .lockAcquired, .refused, .stateRead, .preflightDone, .commandFinished, .commandFailedToStart, .verified, .stoppedAtOnce, .finished, .inconclusive:
            return unexpected(event)
        }
    }

    /// The deploying process leaves the paused rollout to `gantry promote` or `gantry abort`
    /// (`on_pause: exit`): this run ends here, the deployment unfinished.
    mutating func detach() {
        state = .finished(.paused)
    }

    /// Carries on a rollout another process left paused after batch `batch` (`on_pause:
    /// exit`): with `abort`, rolls back the hosts of its batches; otherwise deploys the next
    /// batch (or finishes, when none is left).
    package mutating func resume(afterBatch batch: Int, lastGood: String?, abort: (String, ReasonCode)?, checked: Int = 0, full: Bool = false) -> Action {
        self.batch = batch
        changedBatches = batch
        lastChecked = checked
        self.lastGood = lastGood
        state = .paused
        if let abort { return handle(.aborted(abort.0, abort.1)) }
        return handle(.promoted("promoted", full: full))
    }

    /// The batch passed its checks (and bake): its pause step, if it has one and no one has
    /// let it pass, else the next batch.
    mutating func batchPassed() -> Action {
        if !skipsWaits, pauseStepTaken < batch, let step = policy.pauses[batch] {
            pauseStepTaken = batch
            state = .paused
            switch step {
            case .untilPromoted:
                return .pause(PauseReason(release: release, batch: position, why: "pause step: held until 'gantry promote'"), timeout: policy.pauseTimeout)
            case .timed(let duration):
                var reason = PauseReason(release: release, batch: position, why: "pause step: held for \(DurationText.canonical(duration)), then on by itself")
                reason.timed = true
                return .pause(reason, timeout: duration)
            }
        }
        return nextBatch()
    }

    /// The batch passed: deploy the next one.
    mutating func nextBatch() -> Action {
        batch += 1
        state = .deploying(attempt: 1)
        return .runDeploy(attempt: 1, after: .zero)
    }

    /// The batch during a rollout; nil without one.
    var position: BatchPosition? { policy.batches > 1 ? BatchPosition(batch, of: policy.batches) : nil }
}
