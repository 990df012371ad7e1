import Foundation
import GantryCore
import Testing

@Suite("deployment state machine")
struct StateMachineTests {
    let origin = Origin(host: "ci-1", pid: 42, runner: "primary", actor: "alice")

    func record(_ release: String, _ outcome: Outcome?) -> DeploymentRecord {
        DeploymentRecord(id: DeploymentID(rawValue: "20261129-000000.000-000001"), environment: "p", release: release, outcome: outcome, startedAt: Date(), origin: origin)
    }

    @Test("a free lock leads to reading state, then deploying")
    func happyPath() {
        var machine = DeploymentStateMachine(release: "2.0", force: false)
        #expect(machine.handle(.lockAcquired) == .readState)
        #expect(machine.handle(.stateRead(EnvironmentState(name: "p", current: "1.0"), lastDeployment: record("1.0", .succeeded))) == .runDeploy(attempt: 1))
        #expect(machine.handle(.commandFinished(.exited(0))) == .verify)
        #expect(machine.handle(.verified(failures: [], checked: 2)) == .finish(.succeeded, reason: "release 2.0 deployed and verified (2 checks passed)", promote: true))
        #expect(machine.handle(.finished) == .none)
        #expect(machine.outcome == .succeeded)
    }

    @Test("a held lock refuses and names the holder")
    func lockHeld() {
        var machine = DeploymentStateMachine(release: "2.0", force: false)
        let lease = Lease(environment: "p", token: FencingToken(7), owner: origin, deploymentID: nil, reason: "deploying 1.9", acquiredAt: Date(), expiresAt: Date())
        guard case .refuse(let reason) = machine.handle(.lockHeld(lease)) else {
            Issue.record("expected a refusal")
            return
        }
        #expect(reason.contains("runner primary"))
        #expect(reason.contains("deploying 1.9"))
        #expect(machine.outcome == .refused)
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
        #expect(afterFailure.handle(.stateRead(EnvironmentState(name: "p", current: "1.0"), lastDeployment: record("1.1", .failed))) == .runDeploy(attempt: 1))

        var forced = DeploymentStateMachine(release: "1.0", force: true)
        _ = forced.handle(.lockAcquired)
        #expect(forced.handle(.stateRead(EnvironmentState(name: "p", current: "1.0"), lastDeployment: record("1.0", .succeeded))) == .runDeploy(attempt: 1))
    }

    @Test("a failing command fails the deployment without promoting", arguments: [
        CommandTermination.exited(2), .signaled(9), .timedOut,
    ])
    func failure(termination: CommandTermination) {
        var machine = DeploymentStateMachine(release: "2.0", force: false)
        _ = machine.handle(.lockAcquired)
        _ = machine.handle(.stateRead(EnvironmentState(name: "p"), lastDeployment: nil))
        guard case .finish(.failed, let reason, false) = machine.handle(.commandFinished(termination)) else {
            Issue.record("expected failure")
            return
        }
        #expect(reason.contains(termination.description))
    }

    @Test("an interruption ends interrupted, a launch failure refused")
    func interruptionAndLaunch() {
        var interrupted = DeploymentStateMachine(release: "2.0", force: false)
        _ = interrupted.handle(.lockAcquired)
        _ = interrupted.handle(.stateRead(EnvironmentState(name: "p"), lastDeployment: nil))
        guard case .finish(.interrupted, _, false) = interrupted.handle(.commandFinished(.cancelled)) else {
            Issue.record("expected interrupted")
            return
        }
        var unlaunched = DeploymentStateMachine(release: "2.0", force: false)
        _ = unlaunched.handle(.lockAcquired)
        _ = unlaunched.handle(.stateRead(EnvironmentState(name: "p"), lastDeployment: nil))
        guard case .finish(.refused, _, false) = unlaunched.handle(.commandFailedToStart("no such file")) else {
            Issue.record("expected refused")
            return
        }
    }

    @Test("failed verification fails the deployment, names the checks, and does not promote")
    func failedVerification() {
        var machine = DeploymentStateMachine(release: "2.0", force: false)
        _ = machine.handle(.lockAcquired)
        _ = machine.handle(.stateRead(EnvironmentState(name: "p"), lastDeployment: nil))
        _ = machine.handle(.commandFinished(.exited(0)))
        guard case .finish(.failed, let reason, false) = machine.handle(.verified(failures: ["web (h1): HTTP 503"], checked: 3)) else {
            Issue.record("expected failure")
            return
        }
        #expect(reason.contains("web (h1): HTTP 503"))
    }

    @Test("no checks configured: succeeds, and says nothing was verified")
    func noChecks() {
        var machine = DeploymentStateMachine(release: "2.0", force: false)
        _ = machine.handle(.lockAcquired)
        _ = machine.handle(.stateRead(EnvironmentState(name: "p"), lastDeployment: nil))
        _ = machine.handle(.commandFinished(.exited(0)))
        guard case .finish(.succeeded, let reason, true) = machine.handle(.verified(failures: [], checked: 0)) else {
            Issue.record("expected success")
            return
        }
        #expect(reason.contains("nothing was verified"))
    }

    @Test("events out of order are ignored")
    func outOfOrder() {
        var machine = DeploymentStateMachine(release: "2.0", force: false)
        #expect(machine.handle(.commandFinished(.exited(0))) == .none)
        #expect(machine.state == .waitingForLock)
    }

    @Test("outcomes map to DESIGN.md exit codes")
    func exitCodes() {
        #expect(Outcome.succeeded.exitCode == 0)
        #expect(Outcome.skipped.exitCode == 0)
        #expect(Outcome.rolledBack.exitCode == 1)
        #expect(Outcome.refused.exitCode == 3)
        #expect(Outcome.failed.exitCode == 4)
        #expect(ExitStatus.interrupted(by: 15) == 143)
    }
}
