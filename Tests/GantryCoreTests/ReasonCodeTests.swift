import Foundation
import GantryCore
import Testing

@Suite("reason codes")
struct ReasonCodeTests {
    @Test("every code has exactly one catalog entry, in snake_case, with a runbook")
    func catalog() {
        for code in ReasonCode.allCases {
            let entries = ReasonCatalog.entries.filter { $0.code == code }
            #expect(entries.count == 1, "\(code.rawValue)")
            #expect(code.rawValue.allSatisfy { $0.isLowercase || $0 == "_" }, "\(code.rawValue)")
            let entry = code.entry
            let texts = [entry.title, entry.means, entry.confirm, entry.fix, entry.never]
            #expect(texts.allSatisfy { !$0.isEmpty }, "\(code.rawValue)")
        }
        #expect(ReasonCatalog.entries.count == ReasonCode.allCases.count)
    }

    func deploying(_ policy: DeploymentStateMachine.Policy = .init(canRollBack: true), lastGood: String? = "1.0") -> DeploymentStateMachine {
        var machine = DeploymentStateMachine(release: "2.0", force: false, policy: policy, random: { 0.5 })
        _ = machine.handle(.lockAcquired)
        _ = machine.handle(.stateRead(EnvironmentState(name: "p", current: lastGood, lastGood: lastGood), lastDeployment: nil))
        _ = machine.handle(.preflightDone(failures: []))
        return machine
    }

    @Test("the machine names the cause of a rollback and what stopped the way back")
    func machineCodes() {
        var failed = deploying()
        _ = failed.handle(.commandFinished(.exited(2)))
        _ = failed.handle(.commandFinished(.exited(0)))
        _ = failed.handle(.verified(failures: [], checked: 1))
        #expect(failed.outcome == nil && failed.reasonCode == .commandFailed && failed.causeCode == .commandFailed)

        var recognized = deploying()
        _ = recognized.handle(.commandFinished(.exited(4), recognized: .hostUnreachable))
        _ = recognized.handle(.commandFinished(.exited(0)))
        _ = recognized.handle(.verified(failures: [], checked: 0))
        #expect(recognized.reasonCode == .hostUnreachable)

        var checks = deploying()
        _ = checks.handle(.commandFinished(.exited(0)))
        _ = checks.handle(.verified(failures: ["p99: no data"], checked: 1, code: .checkNoData))
        _ = checks.handle(.commandFinished(.exited(1)))
        #expect(checks.causeCode == .checkNoData && checks.reasonCode == .rollbackFailed)

        var noWayBack = deploying(.init(canRollBack: false))
        _ = noWayBack.handle(.commandFinished(.timedOut))
        #expect(noWayBack.causeCode == .commandTimeout && noWayBack.reasonCode == .noRollbackPath)

        var preflight = DeploymentStateMachine(release: "2.0", force: false)
        _ = preflight.handle(.lockAcquired)
        _ = preflight.handle(.stateRead(EnvironmentState(name: "p"), lastDeployment: nil))
        _ = preflight.handle(.preflightDone(failures: ["secret (TOKEN): TOKEN is not set or empty"], code: .preflightSecretMissing))
        #expect(preflight.reasonCode == .preflightSecretMissing)

        var interrupted = deploying()
        _ = interrupted.handle(.commandFinished(.cancelled))
        _ = interrupted.handle(.commandFinished(.exited(0)))
        _ = interrupted.handle(.verified(failures: [], checked: 0))
        #expect(interrupted.reasonCode == .interrupted)
    }

    @Test("checks and preflight items map to their codes")
    func mapping() {
        func result(_ name: String, outcome: ProbeVerdict.Outcome = .fail, attempts: Int = 1) -> CheckResult {
            CheckResult(name: name, kind: "http", target: nil, passed: false, outcome: outcome, attempts: attempts, latencyMilliseconds: 1, message: "m")
        }
        #expect(ReasonCode.checks([]) == nil)
        #expect(ReasonCode.checks([result("a")]) == .checkFailed)
        #expect(ReasonCode.checks([result("a", outcome: .noData)]) == .checkNoData)
        #expect(ReasonCode.checks([result("a", outcome: .noData), result("b")]) == .checkFailed)
        #expect(ReasonCode.checks([result("a"), result("b", attempts: 0)]) == .verifyTimeout)
        #expect(ReasonCode.preflight([result("reachable"), result("secret")]) == .preflightSecretMissing)
        #expect(ReasonCode.preflight([result("reachable")]) == .preflightHostUnreachable)
        #expect(ReasonCode.preflight([result("disk")]) == .preflightDiskLow)
        #expect(ReasonCode.preflight([result("tool")]) == .preflightToolMissing)
        #expect(ReasonCode.command(.exited(0)) == nil)
        #expect(ReasonCode.command(.signaled(9)) == .commandKilled)
        #expect(ReasonCode.commandFailed.refined(by: .diskFull) == .diskFull)
        #expect(ReasonCode.checkFailed.refined(by: .diskFull) == .checkFailed)
    }

    @Test("signatures in command output, the most specific first", arguments: [
        ("fatal: [web-3]: UNREACHABLE! => {\"changed\": false, \"msg\": \"Failed to connect to the host via ssh: ssh: connect to host 10.0.0.3 port 22: Connection refused\", \"unreachable\": true}", ReasonCode.hostUnreachable),
        ("fatal: [web-3]: UNREACHABLE! => {\"msg\": \"Failed to connect to the host via ssh: ssh: Could not resolve hostname web-9: Name or service not known\"}", .dnsFailure),
        ("fatal: [web-1]: UNREACHABLE! => {\"msg\": \"Failed to connect to the host via ssh: deploy@10.0.0.1: Permission denied (publickey).\"}", .authFailed),
        ("ERROR! Decryption failed (no vault secrets were found that could decrypt) on /srv/app/group_vars/all/vault.yml", .authFailed),
        ("tar: releases/2.0/app.bin: Cannot write: No space left on device", .diskFull),
        ("curl: (7) Failed to connect to localhost port 8080: Connection refused", nil),
        ("TASK [switch the current symlink] ****", nil),
    ] as [(String, ReasonCode?)])
    func signatures(line: String, code: ReasonCode?) {
        #expect(OutputSignatures.recognize(line) == code)
    }
}
