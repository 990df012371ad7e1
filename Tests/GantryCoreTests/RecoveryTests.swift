import Foundation
import GantryCore
import GantryTestSupport
import Testing

@Suite("recovery of abandoned deployments")
struct RecoveryTests {
    func analysis(_ kinds: [JournalEvent]) -> RecoveryAnalysis {
        RecoveryAnalysis.analyze(kinds.enumerated().map { JournalEntry(sequence: $0.offset + 1, at: Date(), event: $0.element) })
    }

    @Test("the plan: record a decided outcome, record an untouched one, roll back when possible, else say why not")
    func plans() {
        let untouched = analysis([JournalEvent(kind: .decision, message: "deploying 2.0")])
        #expect(RecoveryPlan.forUnfinished(untouched, canRollBack: true, lastGood: "1.0") == .recordUntouched)
        let decided = analysis([
            JournalEvent(kind: .commandStarted, step: "deploy", attempt: 1), JournalEvent(kind: .commandFinished, step: "deploy", attempt: 1, exitCode: 0),
            JournalEvent(kind: .promoting, release: "2.0"), JournalEvent(kind: .deploymentFinished, message: "release 2.0 deployed and verified", outcome: .succeeded),
        ])
        #expect(RecoveryPlan.forUnfinished(decided, canRollBack: true, lastGood: "1.0") == .recordDecided(.succeeded, reason: "release 2.0 deployed and verified", code: nil, promote: true))
        let killed = analysis([JournalEvent(kind: .commandStarted, step: "deploy", attempt: 1), JournalEvent(kind: .commandSpawned, step: "deploy", attempt: 1, pid: 4545)])
        #expect(RecoveryPlan.forUnfinished(killed, canRollBack: true, lastGood: "1.0") == .rollBack(to: "1.0", hosts: nil, pauseExpired: false))
        #expect(RecoveryPlan.forUnfinished(killed, canRollBack: false, lastGood: "1.0") == .cannotRestore(.noRollbackCommand))
        #expect(RecoveryPlan.forUnfinished(killed, canRollBack: true, lastGood: nil) == .cannotRestore(.noLastGood))
        // A second interruption's leftover is restored once; nothing is left after `recovery`.
        #expect(RecoveryPlan.forLeftUnrestored(killed, canRollBack: true, lastGood: "1.0") == nil)
        let abandoned = analysis([JournalEvent(kind: .commandStarted, step: "deploy", attempt: 1), JournalEvent(kind: .abandoned, message: "stopped at once")])
        #expect(RecoveryPlan.forLeftUnrestored(abandoned, canRollBack: true, lastGood: "1.0") == .rollBack(to: "1.0", hosts: nil, pauseExpired: false))
        let restored = analysis([JournalEvent(kind: .commandStarted, step: "deploy", attempt: 1), JournalEvent(kind: .abandoned, message: "stopped at once"), JournalEvent(kind: .recovery, message: "restored")])
        #expect(RecoveryPlan.forLeftUnrestored(restored, canRollBack: true, lastGood: "1.0") == nil)
    }

    @Test("a recovery's rollback goes through the machine's rollback path: verified it ends interrupted, else failed")
    func machinePath() {
        var good = DeploymentStateMachine.recovering(release: "2.0", killedDuring: "deploy", to: "1.0", reached: nil, pauseExpired: false)
        #expect(good.handle(.commandFinished(.exited(0))) == .verify)
        #expect(good.handle(.verified(failures: [], checked: 1)) == .finish(.interrupted, reason: .rolledBack(after: .killedDuring("deploy"), to: "1.0", hosts: .all), promote: false))
        #expect(good.reasonCode == .interrupted)

        var partial = DeploymentStateMachine.recovering(release: "2.0", killedDuring: "deploy", to: "1.0", reached: ["h1", "h2"], pauseExpired: false)
        _ = partial.handle(.commandFinished(.exited(0)))
        #expect(partial.handle(.verified(failures: [], checked: 2)) == .finish(.interrupted, reason: .rolledBack(after: .killedDuring("deploy"), to: "1.0", hosts: .reached(["h1", "h2"])), promote: false))
        #expect(OutcomeReason.rolledBack(after: .killedDuring("deploy"), to: "1.0", hosts: .reached(["h1", "h2"])).text
            == "killed during deploy; rolled back only h1, h2 (the hosts of the batches it started) to 1.0 and verified")

        var expired = DeploymentStateMachine.recovering(release: "2.0", killedDuring: "verify", to: "1.0", reached: nil, pauseExpired: true)
        _ = expired.handle(.commandFinished(.exited(0)))
        guard case .finish(.rolledBack, _, false) = expired.handle(.verified(failures: [], checked: 1)) else {
            Issue.record("a rollout left paused past its timeout is rolled back, not interrupted")
            return
        }
        #expect(expired.reasonCode == .pauseTimeout)

        var broken = DeploymentStateMachine.recovering(release: "2.0", killedDuring: "deploy", to: "1.0", reached: nil, pauseExpired: false)
        guard case .finish(.failed, let why, false) = broken.handle(.commandFinished(.exited(5))) else {
            Issue.record("a failed recovery rollback needs a person")
            return
        }
        #expect(why == .needsPerson(after: .killedDuring("deploy"), .rollbackEnded(to: "1.0", .exited(5))))
        #expect(broken.reasonCode == .rollbackFailed)

        var unverified = DeploymentStateMachine.recovering(release: "2.0", killedDuring: "deploy", to: "1.0", reached: nil, pauseExpired: false)
        _ = unverified.handle(.commandFinished(.exited(0)))
        guard case .finish(.failed, let failed, false) = unverified.handle(.verified(failures: ["web: HTTP 500"], checked: 1)) else {
            Issue.record("an unverified recovery rollback needs a person")
            return
        }
        #expect(failed == .needsPerson(after: .killedDuring("deploy"), .rollbackUnverified(to: "1.0", failures: ["web: HTTP 500"])))
    }

    @Test("a recovery's rollback stopped at once by a second interruption restored nothing: it needs a person, never counts as restored")
    func recoveryStoppedAtOnce() {
        // Before its command: the rollback could not start.
        var early = DeploymentStateMachine.recovering(release: "2.0", killedDuring: "deploy", to: "1.0", reached: nil, pauseExpired: false)
        #expect(early.handle(.stoppedAtOnce(changed: false))
            == .finish(.failed, reason: .needsPerson(after: .killedDuring("deploy"), .rollbackNotStarted(to: "1.0", why: "interrupted twice before it could start")), promote: false))
        #expect(early.reasonCode == .rollbackFailed)
        // Its command stopped: it ended cancelled.
        var during = DeploymentStateMachine.recovering(release: "2.0", killedDuring: "deploy", to: "1.0", reached: nil, pauseExpired: false)
        #expect(during.handle(.stoppedAtOnce(changed: true))
            == .finish(.failed, reason: .needsPerson(after: .killedDuring("deploy"), .rollbackEnded(to: "1.0", .cancelled)), promote: false))
        // Its verification stopped.
        var verifying = DeploymentStateMachine.recovering(release: "2.0", killedDuring: "deploy", to: "1.0", reached: nil, pauseExpired: false)
        _ = verifying.handle(.commandFinished(.exited(0)))
        #expect(verifying.handle(.stoppedAtOnce(changed: true))
            == .finish(.failed, reason: .needsPerson(after: .killedDuring("deploy"), .interruptedVerifyingRollback(to: "1.0")), promote: false))
        // A deployment's own rollback stopped at once still ends interrupted, as before.
        var own = DeploymentStateMachine(release: "2.0", force: false, policy: .init(canRollBack: true))
        _ = own.handle(.lockAcquired)
        guard case .finish(.refused, _, false) = own.handle(.stoppedAtOnce(changed: false)) else {
            Issue.record("a deployment stopped at once before any command is refused")
            return
        }
    }

    @Test("a recovery whose rollback fails records the dead deployment interrupted, saying a person is needed, and fails the new one before its command")
    func failedRollback() async throws {
        let store = MemoryStateStore()
        let origin = Origin(host: "ci-1", pid: 42, process: FakeProcesses.here)
        var environment = EnvironmentConfig(name: "production", targets: ["web-1"], deploy: CommandConfig(argv: ["./deploy.sh", "{release}"]))
        environment.rollback = CommandConfig(argv: ["./rollback.sh", "{release}"])
        var deploy = DeploymentRequest(environment: environment, release: try Release("1.0"), force: false, directory: "/srv/app", origin: origin, processEnvironment: [:])
        _ = try await DeploymentEngine(store: store, runner: ScriptedRunner([.success(([], .exited(0)))]), prober: ScriptedProber(), processes: FakeProcesses(), clock: TestClock()).run(deploy)
        let dead = DeploymentRecord(id: DeploymentID(rawValue: "20261129-000000.000-00dead"), environment: "production", release: "2.0", startedAt: Date(), origin: Origin(host: "ci-1", pid: 31337, process: FakeProcesses.here))
        try await store.beginDeployment(dead, token: nil)
        try await store.append(JournalEvent(kind: .commandStarted, step: "deploy", attempt: 1, command: ["./deploy.sh", "2.0"]), to: dead.id, at: Date(), token: nil)
        deploy.release = try Release("3.0")
        let runner = ScriptedRunner([.success((["no route"], .exited(5)))])
        let summary = try await DeploymentEngine(store: store, runner: runner, prober: ScriptedProber(), processes: FakeProcesses(), clock: TestClock()).run(deploy)
        #expect(summary.outcome == .failed)
        #expect(summary.reasonCode == .rollbackFailed)
        #expect(summary.reason.contains("recovering deployment \(dead.id) failed"), "\(summary.reason)")
        #expect(runner.invocations.map(\.argv) == [["/srv/app/rollback.sh", "1.0"]])
        let recorded = try #require(try await store.deployment(dead.id))
        // Killed is what happened to it; the failed way back is the new deployment's failure.
        #expect(recorded.outcome == .interrupted)
        #expect(recorded.reasonCode == .interrupted)
        #expect(recorded.reason?.contains("needs a person") == true)
        #expect(recorded.reason?.contains("recovered by \(summary.id)") == true)
        #expect(try await store.environmentState("production").current == "1.0")
    }
}
