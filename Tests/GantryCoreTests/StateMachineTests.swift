import Foundation
import GantryCore
import Testing

@Suite("deployment state machine")
struct StateMachineTests {
    let origin = Origin(host: "ci-1", pid: 42, runner: "primary", actor: "alice")

    func record(_ release: String, _ outcome: Outcome?) -> DeploymentRecord {
        DeploymentRecord(id: DeploymentID(rawValue: "20261129-000000.000-000001"), environment: "p", release: release, outcome: outcome, startedAt: Date(), origin: origin)
    }

    /// A machine that has the lock and knows production runs `current` (also last good).
    func deploying(_ release: String = "2.0", current: String? = "1.0", policy: DeploymentStateMachine.Policy = .init(canRollBack: true)) -> DeploymentStateMachine {
        var machine = DeploymentStateMachine(release: release, force: false, policy: policy, random: { 0.5 })
        _ = machine.handle(.lockAcquired)
        _ = machine.handle(.stateRead(EnvironmentState(name: "p", current: current, lastGood: current), lastDeployment: current.map { record($0, .succeeded) }))
        _ = machine.handle(.preflightDone(failures: []))
        return machine
    }

    func reason(_ action: DeploymentStateMachine.Action) -> OutcomeReason? {
        if case .finish(_, let reason, _) = action { return reason }
        return nil
    }

    @Test("deploy, verify, promote")
    func happyPath() {
        var machine = DeploymentStateMachine(release: "2.0", force: false)
        #expect(machine.handle(.lockAcquired) == .readState)
        #expect(machine.handle(.stateRead(EnvironmentState(name: "p", current: "1.0"), lastDeployment: record("1.0", .succeeded))) == .preflight)
        #expect(machine.handle(.preflightDone(failures: [])) == .runDeploy(attempt: 1, after: .zero))
        #expect(machine.handle(.commandFinished(.exited(0))) == .verify)
        #expect(machine.handle(.verified(failures: [], checked: 2)) == .finish(.succeeded, reason: .deployed(release: "2.0", kind: .deploy, batches: 1, checked: 2), promote: true))
        #expect(machine.handle(.finished) == .none)
        #expect(machine.outcome == .succeeded)
    }

    @Test("a refusal before the lease (the lock, a protection, the runner) ends refused with its own code, changing nothing")
    func refused() {
        var machine = DeploymentStateMachine(release: "2.0", force: false)
        #expect(machine.handle(.refused(Refusal(.lockHeldByHand, "p is held by hand"))) == .refuse(Refusal(.lockHeldByHand, "p is held by hand")))
        #expect(machine.outcome == .refused)
        #expect(machine.reasonCode == .lockHeldByHand)
        var interrupted = DeploymentStateMachine(release: "2.0", force: false)
        _ = interrupted.handle(.interrupted)
        #expect(interrupted.reasonCode == .interrupted)
    }

    @Test("the live release is skipped only when its last deployment succeeded")
    func skipping() {
        var live = DeploymentStateMachine(release: "1.0", force: false)
        _ = live.handle(.lockAcquired)
        guard case .finish(.skipped, _, false) = live.handle(.stateRead(EnvironmentState(name: "p", current: "1.0"), lastDeployment: record("1.0", .succeeded))) else {
            Issue.record("expected skip")
            return
        }
        var afterFailure = DeploymentStateMachine(release: "1.0", force: false)
        _ = afterFailure.handle(.lockAcquired)
        #expect(afterFailure.handle(.stateRead(EnvironmentState(name: "p", current: "1.0"), lastDeployment: record("1.1", .failed))) == .preflight)
        var forced = DeploymentStateMachine(release: "1.0", force: true)
        _ = forced.handle(.lockAcquired)
        #expect(forced.handle(.stateRead(EnvironmentState(name: "p", current: "1.0"), lastDeployment: record("1.0", .succeeded))) == .preflight)
    }

    @Test("failed preflight refuses: nothing was changed")
    func preflightFails() {
        var machine = DeploymentStateMachine(release: "2.0", force: false)
        _ = machine.handle(.lockAcquired)
        _ = machine.handle(.stateRead(EnvironmentState(name: "p"), lastDeployment: nil))
        guard case .finish(.refused, let reason, false) = machine.handle(.preflightDone(failures: ["secret (TOKEN): TOKEN is not set or empty"])) else {
            Issue.record("expected refused")
            return
        }
        #expect(reason == .preflightFailed(["secret (TOKEN): TOKEN is not set or empty"]))
    }

    @Test("a failed command rolls back to the last good release, verifies it, and ends rolled_back", arguments: [
        CommandTermination.exited(2), .signaled(9), .timedOut,
    ])
    func failureRollsBack(termination: CommandTermination) {
        var machine = deploying()
        #expect(machine.handle(.commandFinished(termination)) == .runRollback(to: "1.0"))
        #expect(machine.handle(.commandFinished(.exited(0))) == .verify)
        #expect(machine.verificationStep == .verifyRollback)
        let end = machine.handle(.verified(failures: [], checked: 1))
        guard case .finish(.rolledBack, let reason, false) = end else {
            Issue.record("expected rolled_back, got \(end)")
            return
        }
        #expect(reason == .rolledBack(after: .commandFailed(.deploy, termination, batch: nil, attempt: 1, of: 1), to: "1.0", hosts: .all))
        #expect(machine.rolledBackTo == "1.0")
    }

    @Test("failed verification rolls back too, naming the failing checks")
    func failedVerification() {
        var machine = deploying()
        _ = machine.handle(.commandFinished(.exited(0)))
        #expect(machine.handle(.verified(failures: ["web (h1): HTTP 503"], checked: 3)) == .runRollback(to: "1.0"))
        _ = machine.handle(.commandFinished(.exited(0)))
        let end = machine.handle(.verified(failures: [], checked: 3))
        #expect(reason(end) == .rolledBack(after: .failedVerification(release: "2.0", batch: nil, afterBaking: false, failures: ["web (h1): HTTP 503"]), to: "1.0", hosts: .all))
    }

    @Test("no rollback possible: failed, production needs a person", arguments: [
        (DeploymentStateMachine.Policy(canRollBack: false), "1.0", RollbackObstacle.noRollbackCommand),
        (DeploymentStateMachine.Policy(canRollBack: true), nil, .noLastGood),
    ] as [(DeploymentStateMachine.Policy, String?, RollbackObstacle)])
    func noRollback(policy: DeploymentStateMachine.Policy, current: String?, why: RollbackObstacle) {
        var machine = deploying(current: current, policy: policy)
        let end = machine.handle(.commandFinished(.exited(1)))
        guard case .finish(.failed, let reason, false) = end else {
            Issue.record("expected failed, got \(end)")
            return
        }
        #expect(reason == .needsPerson(after: .commandFailed(.deploy, .exited(1), batch: nil, attempt: 1, of: 1), .obstacle(why)))
        #expect(machine.reasonCode == .noRollbackPath)
    }

    @Test("a rollback that fails, or fails its verification, is failed: a person is needed")
    func rollbackFails() {
        var broken = deploying()
        _ = broken.handle(.commandFinished(.exited(1)))
        guard case .finish(.failed, let reason, false) = broken.handle(.commandFinished(.exited(5))) else {
            Issue.record("expected failed")
            return
        }
        #expect(reason == .needsPerson(after: .commandFailed(.deploy, .exited(1), batch: nil, attempt: 1, of: 1), .rollbackEnded(to: "1.0", .exited(5))))
        var unhealthy = deploying()
        _ = unhealthy.handle(.commandFinished(.exited(1)))
        _ = unhealthy.handle(.commandFinished(.exited(0)))
        guard case .finish(.failed, let second, false) = unhealthy.handle(.verified(failures: ["web: HTTP 500"], checked: 1)) else {
            Issue.record("expected failed")
            return
        }
        #expect(second == .needsPerson(after: .commandFailed(.deploy, .exited(1), batch: nil, attempt: 1, of: 1), .rollbackUnverified(to: "1.0", failures: ["web: HTTP 500"])))
    }

    @Test("retries follow the policy: only listed failures, with backoff, up to the attempts")
    func retries() {
        let retry = RetryPolicy(attempts: 3, backoff: .seconds(10), maxBackoff: .seconds(15), jitter: 0.2, retryOn: [.timeout, .exit(75)])
        var machine = deploying(policy: .init(retry: retry, canRollBack: true))
        #expect(machine.handle(.commandFinished(.timedOut)) == .runDeploy(attempt: 2, after: .seconds(10)))
        #expect(machine.handle(.commandFinished(.exited(75))) == .runDeploy(attempt: 3, after: .seconds(15)))
        #expect(machine.handle(.commandFinished(.exited(75))) == .runRollback(to: "1.0"))
        var notRetryable = deploying(policy: .init(retry: retry, canRollBack: true))
        #expect(notRetryable.handle(.commandFinished(.exited(1))) == .runRollback(to: "1.0"))
    }

    @Test("on_retry: rollback: back to the last good release, verified, before each further attempt; a way back that fails ends it, never another attempt")
    func rollbackBetweenAttempts() {
        var retry = RetryPolicy(attempts: 3, backoff: .seconds(10), maxBackoff: .seconds(15), jitter: 0.2, retryOn: [.exit(75)])
        retry.onRetry = .rollback
        var machine = deploying(policy: .init(retry: retry, canRollBack: true))
        #expect(machine.handle(.commandFinished(.exited(75))) == .runRollback(to: "1.0"))
        #expect(machine.verificationStep == .verify)
        #expect(machine.handle(.commandFinished(.exited(0))) == .verify)
        #expect(machine.verificationStep == .verifyRollback)
        #expect(machine.handle(.verified(failures: [], checked: 1)) == .runDeploy(attempt: 2, after: .seconds(10)))
        #expect(machine.rolledBackTo == nil, "a rollback between attempts is not the deployment's way back")
        #expect(machine.handle(.commandFinished(.exited(0))) == .verify)
        #expect(machine.handle(.verified(failures: [], checked: 1)) == .finish(.succeeded, reason: .deployed(release: "2.0", kind: .deploy, batches: 1, checked: 1), promote: true))

        // The way back between attempts fails: rollback_failed, no third attempt.
        var broken = deploying(policy: .init(retry: retry, canRollBack: true))
        _ = broken.handle(.commandFinished(.exited(75)))
        guard case .finish(.failed, let why, false) = broken.handle(.commandFinished(.exited(3))) else {
            Issue.record("a failed rollback between attempts must end the deployment")
            return
        }
        #expect(why == .needsPerson(after: .commandFailed(.deploy, .exited(75), batch: nil, attempt: 1, of: 3), .rollbackEnded(to: "1.0", .exited(3))))
        #expect(broken.reasonCode == .rollbackFailed)
        // Its verification fails: the same.
        var unverified = deploying(policy: .init(retry: retry, canRollBack: true))
        _ = unverified.handle(.commandFinished(.exited(75)))
        _ = unverified.handle(.commandFinished(.exited(0)))
        guard case .finish(.failed, _, false) = unverified.handle(.verified(failures: ["web: HTTP 500"], checked: 1)) else {
            Issue.record("an unverified rollback between attempts must end the deployment")
            return
        }
        // The last attempt fails too: the usual way back, then rolled_back.
        var exhausted = deploying(policy: .init(retry: RetryPolicy(attempts: 2, backoff: .seconds(1), retryOn: [.exit(75)]), canRollBack: true))
        #expect(exhausted.handle(.commandFinished(.exited(75))) == .runDeploy(attempt: 2, after: .seconds(1)), "without on_retry, no rollback between")
        var last = deploying(policy: .init(retry: { var policy = RetryPolicy(attempts: 2, backoff: .seconds(1), retryOn: [.exit(75)]); policy.onRetry = .rollback; return policy }(), canRollBack: true))
        _ = last.handle(.commandFinished(.exited(75)))
        _ = last.handle(.commandFinished(.exited(0)))
        _ = last.handle(.verified(failures: [], checked: 1))
        #expect(last.handle(.commandFinished(.exited(75))) == .runRollback(to: "1.0"))
        _ = last.handle(.commandFinished(.exited(0)))
        guard case .finish(.rolledBack, _, false) = last.handle(.verified(failures: [], checked: 1)) else {
            Issue.record("the last attempt's failure is rolled back as usual")
            return
        }
        // No last good release (a first deploy): plain retries.
        var first = deploying(current: nil, policy: .init(retry: retry, canRollBack: true))
        #expect(first.handle(.commandFinished(.exited(75))) == .runDeploy(attempt: 2, after: .seconds(10)))
    }

    @Test("retry waits grow exponentially, are capped, and jitter within the share")
    func retryDelays() {
        let policy = RetryPolicy(attempts: 5, backoff: .seconds(10), maxBackoff: .seconds(30), jitter: 0.2, retryOn: [.timeout])
        #expect(policy.delay(before: 2, random: 0.5) == .seconds(10))
        #expect(policy.delay(before: 3, random: 0.5) == .seconds(20))
        #expect(policy.delay(before: 4, random: 0.5) == .seconds(30))
        #expect(policy.delay(before: 2, random: 0) == .seconds(8))
        #expect(policy.delay(before: 2, random: 0.999_999) <= .seconds(12))
        #expect(RetryPolicy.Condition.parse("exit:4") == .exit(4))
        #expect(RetryPolicy.Condition.parse("exit:0") == nil)
        #expect(RetryPolicy.Condition.parse("sometimes") == nil)
    }

    @Test("an interruption rolls back by default and ends interrupted; with on_interrupt: leave it stops")
    func interruption() {
        var machine = deploying()
        #expect(machine.handle(.commandFinished(.cancelled)) == .runRollback(to: "1.0"))
        _ = machine.handle(.commandFinished(.exited(0)))
        guard case .finish(.interrupted, let reason, false) = machine.handle(.verified(failures: [], checked: 1)) else {
            Issue.record("expected interrupted")
            return
        }
        #expect(reason == .rolledBack(after: .interruptedDuringCommand(.deploy, attempt: 1), to: "1.0", hosts: .all))
        var leave = deploying(policy: .init(canRollBack: true, rollbackOnInterrupt: false))
        guard case .finish(.interrupted, let left, false) = leave.handle(.commandFinished(.cancelled)) else {
            Issue.record("expected interrupted")
            return
        }
        #expect(left == .leftAsIs(after: .interruptedDuringCommand(.deploy, attempt: 1)))
        var nowhere = deploying(policy: .init(canRollBack: false))
        guard case .finish(.interrupted, let partly, false) = nowhere.handle(.commandFinished(.cancelled)) else {
            Issue.record("expected interrupted")
            return
        }
        #expect(partly == .noWayBack(after: .interruptedDuringCommand(.deploy, attempt: 1), .noRollbackCommand))
    }

    @Test("a command that cannot start first time is refused; on a later attempt it falls back")
    func launchFailure() {
        var first = deploying()
        #expect(first.handle(.commandFailedToStart("no such file")) == .finish(.refused, reason: .notStarted("no such file"), promote: false))
        let retry = RetryPolicy(attempts: 2, backoff: .zero, retryOn: [.exit(1)])
        var later = deploying(policy: .init(retry: retry, canRollBack: true))
        _ = later.handle(.commandFinished(.exited(1)))
        #expect(later.handle(.commandFailedToStart("no such file")) == .runRollback(to: "1.0"))
    }

    @Test("gantry rollback: success promotes the target; failure has nothing to fall back on")
    func rollbackKind() {
        var good = deploying("1.0", current: "2.0", policy: .init(canRollBack: true, kind: .rollback))
        _ = good.handle(.commandFinished(.exited(0)))
        #expect(good.handle(.verified(failures: [], checked: 1)) == .finish(.succeeded, reason: .deployed(release: "1.0", kind: .rollback, batches: 1, checked: 1), promote: true))
        var bad = deploying("1.0", current: "2.0", policy: .init(canRollBack: true, kind: .rollback))
        #expect(reason(bad.handle(.commandFinished(.exited(1)))) == .needsPerson(after: .commandFailed(.rollback, .exited(1), batch: nil, attempt: 1, of: 1), .obstacle(.rollbackOfARollback)))
    }

    @Test("gantry rollback runs preflight: a listed secret unset refuses it before anything changes; --force skips preflight")
    func rollbackPreflight() {
        let state = EnvironmentState(name: "p", current: "2.0", lastGood: "2.0")
        var machine = DeploymentStateMachine(release: "1.0", force: false, policy: .init(canRollBack: true, kind: .rollback))
        _ = machine.handle(.lockAcquired)
        #expect(machine.handle(.stateRead(state, lastDeployment: nil)) == .preflight)
        let refused = machine.handle(.preflightDone(failures: ["secret DEPLOY_TOKEN: DEPLOY_TOKEN is not set or empty"], code: .preflightSecretMissing))
        #expect(refused == .finish(.refused, reason: .preflightFailed(["secret DEPLOY_TOKEN: DEPLOY_TOKEN is not set or empty"]), promote: false))
        #expect(machine.reasonCode == .preflightSecretMissing)
        var forced = DeploymentStateMachine(release: "1.0", force: true, policy: .init(canRollBack: true, kind: .rollback))
        _ = forced.handle(.lockAcquired)
        #expect(forced.handle(.stateRead(state, lastDeployment: nil)) == .runDeploy(attempt: 1, after: .zero))
    }

    @Test("an event a state does not expect changes nothing and is named as unexpected")
    func outOfOrder() {
        var machine = DeploymentStateMachine(release: "2.0", force: false)
        #expect(machine.handle(.commandFinished(.exited(0))) == .unexpected("commandFinished(exited with status 0, recognized: nil) is not expected while waitingForLock"))
        #expect(machine.state == .waitingForLock)
        var finished = deploying()
        _ = finished.handle(.commandFinished(.exited(0)))
        _ = finished.handle(.verified(failures: [], checked: 1))
        #expect(finished.handle(.finished) == .none)
        guard case .unexpected = finished.handle(.lockAcquired) else {
            Issue.record("a finished deployment must not take events")
            return
        }
        #expect(finished.outcome == .succeeded)
        #expect(finished.handle(.stoppedAtOnce(changed: true)) == .none, "a second interruption while recording changes nothing")
    }

    @Test("reasons are rendered in words once, at the edge")
    func words() {
        let failed = DeploymentFailure.commandFailed(.deploy, .exited(2), batch: BatchPosition(2, of: 3), attempt: 1, of: 2)
        #expect(OutcomeReason.rolledBack(after: failed, to: "1.0", hosts: .batches(2)).text
            == "deploy command exited with status 2 (batch 2/3, attempt 1 of 2); rolled back the hosts of batches 1-2 to 1.0 and verified")
        #expect(OutcomeReason.deployed(release: "2.0", kind: .deploy, batches: 3, checked: 0).text
            == "release 2.0 deployed in 3 batches; no checks are configured, so nothing was verified")
        #expect(OutcomeReason.needsPerson(after: nil, .interruptedVerifyingRollback(to: "1.0")).text
            == "deploy failed; interrupted while verifying the rollback to 1.0: production may run an unverified release and needs a person")
        #expect(OutcomeReason.stoppedAtOnce(after: nil, command: .rollback).text.hasPrefix("interrupted twice: the rollback command's process group was killed at once"))
        #expect(PauseReason(release: "2.0", batch: BatchPosition(1, of: 4), why: "analysis error-rate: no data").text == "release 2.0 (batch 1/4): analysis error-rate: no data")
    }

    @Test("outcomes map to the documented exit codes")
    func exitCodes() {
        #expect(Outcome.succeeded.exitCode == 0)
        #expect(Outcome.skipped.exitCode == 0)
        #expect(Outcome.rolledBack.exitCode == 1)
        #expect(Outcome.refused.exitCode == 3)
        #expect(Outcome.failed.exitCode == 4)
        #expect(ExitStatus.interrupted(by: 15) == 143)
    }
}
