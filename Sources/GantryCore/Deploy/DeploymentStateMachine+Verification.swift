/// Verifying what was deployed: the checks' verdict, and success once every batch passed.
extension DeploymentStateMachine {
    /// The checks after a deploy: to `finishing(succeeded)` (promote) when they pass, else
    /// falls back.
    mutating func verifying(_ event: Event) -> Action {
        switch event {
        case .verified(let failures, let checked, let code):
            lastChecked = checked
            if failures.isEmpty {
                if batch < policy.batches {
                    if policy.bake > .zero, !skipsWaits {
                        state = .baking
                        return .bake(for: policy.bake)
                    }
                    return batchPassed()
                }
                return succeed(checked: checked)
            }
            causeCode = code ?? .checkFailed
            return fallBack(because: .failedVerification(release: release, batch: position, afterBaking: false, failures: failures))
        case .interrupted, .commandFinished(.cancelled, _):
            interrupted = true
            causeCode = .interrupted
            return fallBack(because: .interrupted(while: .verifying, release: release, batch: position))
        case .inconclusive(let why, let checked) where policy.batches > 1:
            lastChecked = checked
            pausedBeforeBake = true
            state = .paused
            return .pause(PauseReason(release: release, batch: position, why: why), timeout: policy.pauseTimeout)
        case .lockAcquired, .refused, .stateRead, .preflightDone, .commandFinished, .commandFailedToStart, .stoppedAtOnce, .finished, .inconclusive, .promoted, .aborted:
            return unexpected(event)
        }
    }

    /// Every batch passed: the release is promoted.
    mutating func succeed(checked: Int) -> Action {
        state = .finishing(.succeeded)
        return .finish(.succeeded, reason: .deployed(release: release, kind: policy.kind, batches: policy.batches, checked: checked), promote: true)
    }
}
