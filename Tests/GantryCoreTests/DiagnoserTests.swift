import Foundation
import GantryCore
import Testing

/// Runner `_diag` lines in the runner's own format (`[{UTC:u} {level} {source}] {message}`,
/// as actions/runner's HostTraceListener writes them; terminal messages are traced as
/// `WRITE ERROR:`/`WRITE LINE:` by Terminal).
enum RunnerLogFixtures {
    static let sessionConflict = """
        [2026-12-01 10:14:58Z INFO RunnerServer] Establish connection with 60 seconds timeout.
        [2026-12-01 10:15:02Z INFO MessageListener] The session for this runner already exists.
        [2026-12-01 10:15:02Z ERR  Terminal] WRITE ERROR: A session for this runner already exists.
        [2026-12-01 10:15:02Z INFO Runner] Runner execution has been cancelled.
        """
    static let connectConflict = """
        [2026-12-01 10:15:10Z ERR  Terminal] WRITE ERROR: 2026-12-01 10:15:10Z: Runner connect error: Conflict. Retrying until reconnected.
        """
    static let registrationDeleted = """
        [2026-12-01 10:15:20Z ERR  MessageListener] Catch exception during create session.
        [2026-12-01 10:15:20Z ERR  Terminal] WRITE ERROR: Failed to create a session. The runner registration has been deleted from the server, please re-configure. Runner registrations are automatically deleted for runners that have not connected to the service recently.
        """
    static let shutdown = """
        [2026-12-01 10:16:30Z INFO Runner] Received Ctrl-C signal, stop Runner.Listener and Runner.Worker.
        [2026-12-01 10:16:30Z INFO HostContext] Runner will be shutdown for UserCancelled
        """
    static let workerShutdown = """
        [2026-12-01 10:16:31Z ERR  JobRunner] The runner has received a shutdown signal. This can happen when the runner service is stopped, or a manually started runner is canceled.
        """
    static let diskFull = """
        [2026-12-01 10:15:40Z ERR  JobDispatcher] System.IO.IOException: No space left on device : '/home/runner/_diag/Worker_20261201-101540-utc.log'
        """
    static let networkTimeout = """
        [2026-12-01 10:15:45Z ERR  MessageListener] Catch exception during get next message.
        [2026-12-01 10:15:45Z ERR  MessageListener] System.TimeoutException: The HTTP request timed out after 00:01:00.
        """
    /// A connect error the listener rode out: "Runner reconnected." cancels it.
    static let recovered = """
        [2026-12-01 10:15:30Z ERR  Terminal] WRITE ERROR: 2026-12-01 10:15:30Z: Runner connect error: The HTTP request timed out after 00:01:00.. Retrying until reconnected.
        [2026-12-01 10:15:50Z INFO Terminal] WRITE LINE: 2026-12-01 10:15:50Z: Runner reconnected.
        [2026-12-01 10:15:51Z INFO Terminal] WRITE LINE: 2026-12-01 10:15:51Z: Listening for Jobs
        """
}

@Suite("diagnosis")
struct DiagnoserTests {
    let started = Date(timeIntervalSince1970: 1_796_119_200) // 2026-12-01 10:00:00Z
    var finished: Date { started.addingTimeInterval(20 * 60) }

    func record(_ outcome: Outcome?, code: ReasonCode?, reason: String = "deploy command exited with status 2") -> DeploymentRecord {
        DeploymentRecord(
            id: DeploymentID(rawValue: "20261201-100000.000-abcdef"), environment: "production", release: "2.0", outcome: outcome,
            reason: reason, reasonCode: code, startedAt: started, finishedAt: outcome == nil ? nil : finished,
            origin: Origin(host: "ci-1", pid: 42, runner: "primary")
        )
    }

    func input(_ record: DeploymentRecord, output: [String] = [], logs: [String: String] = [:], machine: MachineFacts? = nil, killed: Bool = false) -> DiagnosisInput {
        var journal: [JournalEntry] = []
        for (index, chunk) in output.enumerated() {
            journal.append(JournalEntry(sequence: index + 1, at: started.addingTimeInterval(Double(index)), event: JournalEvent(kind: .output, step: "deploy", attempt: 1, message: chunk)))
        }
        if killed {
            journal.append(JournalEntry(sequence: journal.count + 1, at: started.addingTimeInterval(60), event: JournalEvent(kind: .commandFinished, step: "deploy", attempt: 1, signal: 9)))
        }
        var input = DiagnosisInput(record: record, journal: journal, masker: SecretMasker(values: ["tok123secret"]), now: finished.addingTimeInterval(60))
        input.runnerLogs = logs.sorted { $0.key < $1.key }.map { RunnerLogFile(name: $0.key, bytes: Array($0.value.utf8)) }
        input.machine = machine
        input.lastGood = "1.0"
        return input
    }

    @Test("a success has no findings")
    func success() {
        #expect(Diagnoser.diagnose(input(record(.succeeded, code: nil))).isEmpty)
        #expect(Diagnoser.diagnose(input(record(.skipped, code: nil))).isEmpty)
    }

    @Test("each runner-log signature in the runner's real format gives its code", arguments: [
        (RunnerLogFixtures.sessionConflict, ReasonCode.runnerSessionConflict),
        (RunnerLogFixtures.connectConflict, .runnerSessionConflict),
        (RunnerLogFixtures.registrationDeleted, .runnerRegistrationDeleted),
        (RunnerLogFixtures.shutdown, .runnerShutdown),
        (RunnerLogFixtures.workerShutdown, .runnerShutdown),
        (RunnerLogFixtures.diskFull, .diskFull),
        (RunnerLogFixtures.networkTimeout, .runnerNetworkTimeout),
    ])
    func runnerLogSignature(log: String, code: ReasonCode) throws {
        let hits = RunnerLogSignatures.scan([RunnerLogFile(name: "Runner_20261201-100000-utc.log", bytes: Array(log.utf8))], from: started, until: finished)
        #expect(hits.map(\.code).contains(code), "\(hits)")
        let hit = try #require(hits.first { $0.code == code })
        #expect(hit.at != nil && hit.at! >= started && hit.at! <= finished)
        let findings = Diagnoser.diagnose(input(record(.interrupted, code: .interrupted), logs: ["Runner_20261201-100000-utc.log": log]))
        let finding = try #require(findings.first { $0.code == code })
        #expect(finding.evidence.contains { $0.source == "runner_log:Runner_20261201-100000-utc.log" && $0.line == hit.line })
        #expect(finding.runbook == "docs/runbooks.md#\(code.rawValue)")
    }

    @Test("a later line that shows the runner recovered cancels a signature; lines outside the deployment's window do not count")
    func recoveryAndWindow() {
        let file = RunnerLogFile(name: "Runner_1.log", bytes: Array(RunnerLogFixtures.recovered.utf8))
        #expect(RunnerLogSignatures.scan([file], from: started, until: finished).isEmpty)
        let late = RunnerLogFile(name: "Runner_2.log", bytes: Array("[2026-12-02 09:00:00Z ERR  Terminal] WRITE ERROR: A session for this runner already exists.\n".utf8))
        #expect(RunnerLogSignatures.scan([late], from: started, until: finished).isEmpty)
        let restartedAfter = RunnerLogFile(name: "Runner_3.log", bytes: Array((RunnerLogFixtures.shutdown + "\n[2026-12-01 10:21:00Z INFO Terminal] WRITE LINE: 2026-12-01 10:21:00Z: Listening for Jobs\n").utf8))
        #expect(RunnerLogSignatures.scan([restartedAfter], from: started, until: finished.addingTimeInterval(120), recoveredBy: finished).map(\.code) == [.runnerShutdown, .runnerShutdown])
    }

    @Test("a line without a timestamp (a stack trace, a wrapped message) takes the time of the entry above it")
    func continuationLines() {
        let log = """
            [2026-11-30 08:00:00Z ERR  MessageListener] Catch exception during get next message.
            System.Net.Http.HttpRequestException: Connection timed out
            [2026-12-01 10:15:45Z ERR  MessageListener] Catch exception during get next message.
            System.Net.Http.HttpRequestException: Connection timed out (api.github.com:443)
            """
        let hits = RunnerLogSignatures.scan([RunnerLogFile(name: "Runner_1.log", bytes: Array(log.utf8))], from: started, until: finished)
        #expect(hits.count == 1, "\(hits)")
        #expect(hits.first?.line.hasSuffix("(api.github.com:443)") == true)
        let untimed = RunnerLogFile(name: "plain.log", bytes: Array("fatal: No space left on device\n".utf8))
        #expect(RunnerLogSignatures.scan([untimed], from: started, until: finished).map(\.code) == [.diskFull], "a file without timestamps still counts")
    }

    @Test("Ansible: the failed task and its host, an unreachable host, the recap as evidence")
    func ansible() throws {
        let failed = [
            "PLAY [web] ****\n\nTASK [Gathering Facts] ****\nok: [web-1]\n",
            "TASK [switch the current symlink] ****\nfatal: [web-2]: FAILED! => {\"changed\": false, \"msg\": \"src file does not exist\", \"rc\": 1}\n",
            "PLAY RECAP ****\nweb-1                      : ok=2    changed=1    unreachable=0    failed=0    skipped=0\nweb-2                      : ok=1    changed=0    unreachable=0    failed=1    skipped=0\n",
        ]
        let findings = Diagnoser.diagnose(input(record(.rolledBack, code: .commandFailed), output: failed))
        let top = try #require(findings.first)
        #expect(top.code == .commandFailed)
        #expect(top.summary == "task 'switch the current symlink' failed on web-2")
        #expect(top.evidence.contains { $0.line.hasPrefix("fatal: [web-2]: FAILED!") && $0.source == "output:deploy" })
        #expect(top.evidence.contains { $0.line.hasPrefix("web-2") && $0.line.contains("failed=1") })
        #expect(!top.evidence.contains { $0.line.hasPrefix("web-1") }, "a clean recap line is not evidence")

        let unreachable = ["TASK [install release] ****\n[ERROR]: Task failed: Failed to connect to the host via ssh: ssh: connect to host 10.1.0.13 port 22: Connection refused\nfatal: [web-3]: UNREACHABLE! => {\"changed\": false, \"msg\": \"Task failed: Failed to connect to the host via ssh: ssh: connect to host 10.1.0.13 port 22: Connection refused\", \"unreachable\": true}\n"]
        let first = try #require(Diagnoser.diagnose(input(record(.rolledBack, code: .hostUnreachable), output: unreachable)).first)
        #expect(first.code == .hostUnreachable && first.blame == .host)
        #expect(first.summary.hasPrefix("web-3 could not be reached over SSH (task 'install release')"))
        #expect(first.next.hasPrefix("ssh web-3 true"))
    }

    @Test("an OOM kill in the kernel log while the command died of SIGKILL ranks first; a full disk on the machine is evidence")
    func machine() throws {
        var facts = MachineFacts()
        facts.oomLines = [MachineFacts.KernelLine(at: started.addingTimeInterval(59), line: "Out of memory: Killed process 4242 (ansible-playboo) total-vm:2097152kB, anon-rss:1048576kB")]
        facts.spaces = [MachineFacts.Space(path: "/srv/app", freeBytes: 1 << 20, totalBytes: 10 << 30, freeInodes: 1000, totalInodes: 100_000)]
        let findings = Diagnoser.diagnose(input(record(.rolledBack, code: .commandKilled, reason: "deploy command was killed by signal 9"), machine: facts, killed: true))
        #expect(findings.first?.code == .oomKilled)
        #expect(findings.first?.confidence ?? 0 >= 0.9)
        let disk = try #require(findings.first { $0.code == .diskFull })
        #expect(disk.evidence.first?.line.hasPrefix("/srv/app: 1MiB free of 10GiB (0%)") == true, "\(disk.evidence)")
    }

    @Test("close scores name the probe that tells them apart; secrets in runner logs are masked")
    func tieAndMasking() throws {
        let log = "[2026-12-01 10:15:45Z ERR  MessageListener] System.TimeoutException: The HTTP request timed out after 00:01:00. token=tok123secret\n"
        let findings = Diagnoser.diagnose(input(record(.failed, code: .commandFailed), logs: ["Runner_1.log": log]))
        #expect(findings.count == 2)
        #expect(findings[0].code == .runnerNetworkTimeout, "\(findings.map(\.code))")
        #expect(findings[0].distinguish?.hasPrefix("command_failed scores close") == true)
        #expect(findings.allSatisfy { $0.evidence.allSatisfy { !$0.line.contains("tok123secret") } })
    }

    @Test("a lock wait offers unlock --force only when the holder is provably dead")
    func unlockAdvice() throws {
        var base = input(record(.refused, code: .lockWaitTimeout, reason: "production is locked by host ci-2"))
        base.lease = Lease(environment: "production", token: FencingToken(7), owner: Origin(host: "ci-2", pid: 7), deploymentID: DeploymentID(rawValue: "20261201-095000.000-000007"), reason: "deploying 1.9", acquiredAt: started, expiresAt: finished)
        let alive = try #require(Diagnoser.diagnose(base).first)
        #expect(alive.code == .lockWaitTimeout && !alive.next.contains("--force"))
        #expect(alive.evidence.contains { $0.source == "store" && $0.line.contains("deploying 1.9") })
        base.holderProvablyDead = true
        #expect(try #require(Diagnoser.diagnose(base).first).next.contains("gantry unlock production --force"))
    }

    @Test("a deployment that never recorded an outcome is diagnosed as interrupted, with gantry recover next")
    func unfinished() throws {
        let top = try #require(Diagnoser.diagnose(input(record(nil, code: nil))).first)
        #expect(top.code == .interrupted)
        #expect(top.next == "gantry recover production")
    }

    @Test("TextScan finds every matching line once, at the edges too")
    func scan() {
        let text = TextScan("fatal: a\nok\nxx fatal: b fatal: c\nfatal: d")
        #expect(text.lines(containing: "fatal:").map { text.text($0) } == ["fatal: a", "xx fatal: b fatal: c", "fatal: d"])
        #expect(text.lines(containing: "nothing").isEmpty)
        let ansible = TextScan("TASK [one] **\nok\nTASK [two] **\nx\nfatal: [h]: FAILED!")
        let fatal = ansible.lines(containing: "fatal:")[0]
        #expect(ansible.previousLine(startingWith: "TASK [", before: fatal.lowerBound).map { ansible.text($0) } == "TASK [two] **")
    }
}

@Suite("resolved configuration")
struct ResolvedConfigUnitTests {
    @Test("redaction cuts headers, env, credential keys and URL passwords, and keeps ${VAR} references")
    func redaction() {
        let tree: [String: Any] = [
            "headers": ["Authorization": "Bearer literal"], "env": ["TOKEN_COPY": "abc"],
            "password": "hunter2", "token_env": "GH_TOKEN", "api_token": "${API_TOKEN}",
            "url": "postgres://app:s3cret@db/app", "other": "postgres://app:${PW}@db/app",
            "checks": [["redis": ["password": "${REDIS_PASSWORD}"]]],
        ]
        let cut = ResolvedConfig.redacted(tree) as? [String: Any] ?? [:]
        #expect((cut["headers"] as? [String: String])?["Authorization"] == "***")
        #expect((cut["env"] as? [String: String])?["TOKEN_COPY"] == "***")
        #expect(cut["password"] as? String == "***")
        #expect(cut["token_env"] as? String == "GH_TOKEN")
        #expect(cut["api_token"] as? String == "${API_TOKEN}")
        #expect(cut["url"] as? String == "postgres://app:***@db/app")
        #expect(cut["other"] as? String == "postgres://app:${PW}@db/app")
    }
}
