import Foundation

/// Turns a deployment's journal, its command output, the runner's logs, the machine and the
/// store into a ranked list of findings: the recorded reason code is the starting point, and
/// every source that names a more precise cause (a `fatal:` line, an OOM kill, a runner that
/// lost its session) adds a finding with its evidence. Pure: the same input, the same answer.
package enum Diagnoser {
    /// Two findings closer than this are reported as a tie, with the probe that separates them.
    static let tieMargin = 0.1
    /// Evidence lines kept per finding.
    static let evidenceLimit = 6

    /// Absolute paths named by the command output's "No space left on device" lines
    /// (`dd: error writing '/srv/releases/app.bin': …`), so the machine's evidence includes
    /// the filesystem that actually filled up.
    package static func pathsOutOfSpace(_ journal: [JournalEntry]) -> [String] {
        var paths: [String] = []
        for entry in journal where entry.event.kind == .output {
            guard let message = entry.event.message, message.contains("No space left on device") else { continue }
            for line in message.split(separator: "\n") where line.contains("No space left on device") {
                for token in line.split(whereSeparator: { $0 == " " || $0 == "'" || $0 == "\"" || $0 == "`" }) {
                    let path = token.hasSuffix(":") ? token.dropLast() : token
                    if path.hasPrefix("/"), !paths.contains(String(path)) { paths.append(String(path)) }
                }
            }
        }
        return Array(paths.prefix(8))
    }

    package static func diagnose(_ input: DiagnosisInput) -> [Finding] {
        let record = input.record
        if record.outcome == .succeeded || record.outcome == .skipped { return [] }
        var board = Board(input: input)
        board.recorded()
        board.output()
        board.kernel()
        board.machine()
        board.runnerLogs()
        board.store()
        return board.ranked()
    }

    /// Findings by code while they are collected.
    struct Board {
        let input: DiagnosisInput
        var findings: [ReasonCode: Finding] = [:]
        /// Where each code was first seen, so that a code seen in several places keeps the
        /// most telling summary (the highest confidence's).
        init(input: DiagnosisInput) {
            self.input = input
        }

        var environment: String { input.record.environment }
        var windowStart: Date { input.record.startedAt.addingTimeInterval(-15 * 60) }
        var windowEnd: Date { (input.record.finishedAt ?? input.now).addingTimeInterval(2 * 60) }

        mutating func add(_ code: ReasonCode, _ confidence: Double, _ summary: String, _ evidence: [Evidence], host: String? = nil) {
            if var known = findings[code] {
                if confidence > known.confidence {
                    known.confidence = min(1, confidence)
                    known.summary = summary
                    known.next = Self.next(code, input: input, host: host)
                }
                for item in evidence where !known.evidence.contains(item) && known.evidence.count < Diagnoser.evidenceLimit {
                    known.evidence.append(item)
                }
                findings[code] = known
            } else {
                findings[code] = Finding(code: code, summary: summary, confidence: confidence, evidence: Array(evidence.prefix(Diagnoser.evidenceLimit)), next: Self.next(code, input: input, host: host))
            }
        }

        /// Adds evidence to a finding that exists; nothing otherwise.
        mutating func support(_ code: ReasonCode, _ evidence: Evidence, by boost: Double = 0) {
            guard var known = findings[code] else { return }
            if !known.evidence.contains(evidence), known.evidence.count < Diagnoser.evidenceLimit { known.evidence.append(evidence) }
            known.confidence = min(0.99, known.confidence + boost)
            findings[code] = known
        }

        // MARK: The recorded outcome

        mutating func recorded() {
            let finished = input.journal.last { $0.event.kind == .deploymentFinished }
            let code = input.record.reasonCode ?? finished?.event.reasonCode
            let evidence = Evidence(source: "journal", at: finished?.at ?? input.record.finishedAt, line: input.record.reason ?? finished?.event.message ?? "no outcome was recorded")
            guard let code else {
                if input.record.outcome == nil {
                    let alive = input.lease?.deploymentID == input.record.id
                    add(.interrupted, alive ? 0.3 : 0.7, alive ? "the deployment is still running (it holds the lease)" : "the deployment never recorded an outcome: its gantry was killed or lost the store", [evidence])
                }
                return
            }
            add(code, Self.certainty(of: code, outcome: input.record.outcome), "\(code.entry.title) (recorded)", [evidence])
            if let cause = finished?.event.causeCode, cause != code {
                add(cause, Self.certainty(of: cause, outcome: nil), "first failure: \(cause.entry.title)", [evidence])
            }
        }

        /// How sure the recorded code alone makes us: refusals are facts; a generic command
        /// failure is only where to start looking.
        static func certainty(of code: ReasonCode, outcome: Outcome?) -> Double {
            switch code.entry.group {
            case .lock, .protection, .runner, .preflight: 0.95
            case .recognized, .runnerLogs: 0.85
            // Facts about the way back, not the cause. A failed rollback (production needs a
            // person) ranks above a generic command failure, below any source that names
            // the cause precisely; a missing way back ranks below the cause.
            case .rollback: code == .rollbackFailed ? 0.6 : 0.5
            case .other: code == .leaseLost ? 0.85 : 0.7
            case .checks: 0.7
            case .command: code == .commandTimeout ? 0.75 : 0.55
            }
        }

        // MARK: Command output

        mutating func output() {
            var text: [UInt8] = []
            var marks: [(offset: Int, at: Date, step: String?)] = []
            for entry in input.journal where entry.event.kind == .output {
                guard let message = entry.event.message else { continue }
                marks.append((text.count, entry.at, entry.event.step))
                text.append(contentsOf: message.utf8)
                if text.last != UInt8(ascii: "\n") { text.append(UInt8(ascii: "\n")) }
            }
            guard !text.isEmpty else { return }
            let scan = TextScan(text)
            func when(_ offset: Int) -> (Date?, String) {
                var low = 0
                var high = marks.count - 1
                while low < high {
                    let middle = (low + high + 1) / 2
                    if marks[middle].offset <= offset { low = middle } else { high = middle - 1 }
                }
                return marks.isEmpty ? (nil, "output") : (marks[low].at, "output:\(marks[low].step ?? "command")")
            }
            // Ansible: a failed task or an unreachable host, with the task above it.
            for line in scan.lines(containing: "fatal: [") {
                let content = scan.text(line)
                guard let host = AnsibleLine.host(content) else { continue }
                let task = scan.previousLine(startingWith: "TASK [", before: line.lowerBound).flatMap { AnsibleLine.task(scan.text($0)) }
                let (at, source) = when(line.lowerBound)
                let evidence = Evidence(source: source, at: at, line: content)
                let inTask = task.map { " (task '\($0)')" } ?? ""
                if content.contains("UNREACHABLE!") {
                    let code = OutputSignatures.recognize(content) ?? .hostUnreachable
                    add(code, 0.9, "\(host) could not be reached over SSH\(inTask): \(code.entry.title)", [evidence], host: host)
                } else if let code = OutputSignatures.recognize(content), code != .hostUnreachable {
                    add(code, 0.9, "\(code.entry.title) on \(host)\(inTask)", [evidence], host: host)
                } else {
                    add(.commandFailed, 0.8, "task '\(task ?? "?")' failed on \(host)", [evidence], host: host)
                }
            }
            // Any other line with a known signature (ssh, the C library, a vault).
            for (code, fragments) in OutputSignatures.table {
                for fragment in fragments {
                    for line in scan.lines(containing: fragment) {
                        let content = scan.text(line)
                        guard !content.hasPrefix("fatal: ["), OutputSignatures.recognize(content) == code else { continue }
                        let (at, source) = when(line.lowerBound)
                        add(code, 0.85, "\(code.entry.title) (seen in the command's output)", [Evidence(source: source, at: at, line: content)])
                    }
                }
            }
            // The recap counts support whatever the command's failure was.
            let recap = scan.lines(containing: " unreachable=").map { scan.text($0) }.filter { $0.contains("failed=") && !$0.contains("failed=0") || !$0.contains("unreachable=0") }
            if !recap.isEmpty {
                let target = [.hostUnreachable, .dnsFailure, .authFailed, .diskFull, .commandFailed].first { findings[$0] != nil } ?? .commandFailed
                for line in recap { support(target, Evidence(source: "output:recap", at: nil, line: line)) }
            }
        }

        // MARK: The machine

        mutating func kernel() {
            guard let machine = input.machine else { return }
            let lines = machine.oomLines.filter { line in line.at.map { $0 >= windowStart && $0 <= windowEnd } ?? true }
            guard !lines.isEmpty else { return }
            let killed = input.journal.contains { $0.event.kind == .commandFinished && $0.event.signal == 9 }
            add(.oomKilled, killed ? 0.95 : 0.6, killed ? "the kernel's OOM killer killed the command" : "the kernel's OOM killer ran while the deployment did",
                lines.map { Evidence(source: "kernel", at: $0.at, line: input.masker.mask($0.line)) })
        }

        mutating func machine() {
            guard let machine = input.machine else { return }
            for space in machine.spaces where space.isFull {
                let evidence = Evidence(source: "machine", at: input.now, line: space.summary)
                if findings[.diskFull] != nil {
                    support(.diskFull, evidence, by: 0.05)
                } else {
                    add(.diskFull, 0.5, "\(space.path) is almost full on the runner", [evidence])
                }
            }
            if let available = machine.memoryAvailableBytes, let total = machine.memoryTotalBytes, total > 0 {
                let line = "memory available: \(SizeThreshold.format(available)) of \(SizeThreshold.format(total))"
                if Double(available) / Double(total) < 0.05 {
                    if findings[.oomKilled] != nil { support(.oomKilled, Evidence(source: "machine", at: input.now, line: line), by: 0.02) }
                    else { add(.oomKilled, 0.3, "the runner is short of memory", [Evidence(source: "machine", at: input.now, line: line)]) }
                }
            }
            if let memory = machine.pressure["memory"], memory >= 10 {
                support(.oomKilled, Evidence(source: "machine", at: input.now, line: "memory pressure: some avg10=\(memory)"))
            }
            if let io = machine.pressure["io"], io >= 30 {
                support(.commandTimeout, Evidence(source: "machine", at: input.now, line: "io pressure: some avg10=\(io)"))
            }
        }

        // MARK: The runner's logs

        mutating func runnerLogs() {
            let hits = RunnerLogSignatures.scan(input.runnerLogs, from: windowStart, until: windowEnd, recoveredBy: input.record.finishedAt ?? input.now)
            for hit in hits {
                let evidence = Evidence(source: "runner_log:\(hit.file)", at: hit.at, line: input.masker.mask(hit.line))
                let confidence: Double = switch hit.code {
                case .runnerShutdown: input.record.outcome == .interrupted || input.record.outcome == nil ? 0.9 : 0.7
                case .runnerRegistrationDeleted: 0.8
                case .runnerSessionConflict: 0.7
                case .diskFull: 0.85
                default: 0.6
                }
                add(hit.code, confidence, "\(hit.code.entry.title) (runner log)", [evidence])
            }
        }

        // MARK: The store

        mutating func store() {
            if let lease = input.lease, lease.deploymentID != input.record.id {
                let holder = lease.isHeldByHand ? "held by hand by \(lease.owner.actor ?? lease.owner.host)" : "held by \(lease.owner.summary), deployment \(lease.deploymentID?.rawValue ?? "?")"
                let evidence = Evidence(source: "store", at: lease.acquiredAt, line: "the lease of \(environment) is \(holder): \(lease.reason ?? "no reason given")")
                support(.lockWaitTimeout, evidence)
                support(.lockHeldByHand, evidence)
            }
            if !input.waiters.isEmpty {
                support(.lockWaitTimeout, Evidence(source: "store", at: input.now, line: "\(input.waiters.count) deployment(s) queued for \(environment)"))
            }
            let runner = input.record.origin.runner
            for observation in input.observations where !observation.healthy {
                let evidence = Evidence(source: "store", at: observation.at, line: "\(observation.subject.rawValue) \(observation.name): \(observation.message)")
                if observation.subject == .runner, runner == nil || observation.name == runner {
                    support(.runnerUnfit, evidence)
                } else if observation.subject == .check, observation.environment == environment {
                    support(.checkFailed, evidence)
                    support(.checkNoData, evidence)
                }
            }
        }

        // MARK: Ranking

        func ranked() -> [Finding] {
            var list = findings.values.sorted { left, right in
                if left.confidence != right.confidence { return left.confidence > right.confidence }
                let specific = { (code: ReasonCode) in code.entry.group == .recognized || code.entry.group == .runnerLogs }
                if specific(left.code) != specific(right.code) { return specific(left.code) }
                return left.code < right.code
            }
            if list.count >= 2, list[0].confidence - list[1].confidence < Diagnoser.tieMargin {
                let other = list[1].code.entry
                list[0].distinguish = "\(list[1].code.rawValue) scores close; to tell them apart: \(other.confirm)"
            }
            return list
        }

        /// The next safe step for a code, as concrete as the deployment allows.
        static func next(_ code: ReasonCode, input: DiagnosisInput, host: String?) -> String {
            let env = input.record.environment
            let redeploy = "gantry deploy \(env) --release \(input.record.release)"
            let recover = input.record.outcome == nil ? "gantry recover \(env), then " : ""
            switch code {
            case .lockWaitTimeout:
                return input.holderProvablyDead
                    ? "gantry unlock \(env) --force: the holder is provably dead on this machine"
                    : "gantry status \(env) to see the holder; deploy again once it finishes, or with a longer --wait"
            case .lockHeldByHand: return "ask who locked it (gantry status \(env)); gantry unlock \(env) once the reason is gone"
            case .superseded: return "nothing: the newer deployment goes out instead"
            case .frozen, .freezeWindow: return "wait, or \(redeploy) --override --reason TEXT for an urgent fix (recorded)"
            case .activeAlerts: return "resolve or silence the alerts in Alertmanager, or \(redeploy) --override --reason TEXT for the incident's own fix"
            case .alertGateUnreachable: return "curl the Alertmanager URL from the runner; fix it, then \(redeploy)"
            case .circuitOpen: return "gantry history \(env) and fix the cause, then gantry unfreeze \(env)"
            case .notPromoted: return "deploy \(input.record.release) to the environment it is promoted from and let it soak, then \(redeploy); in an emergency \(redeploy) --skip-promotion --reason TEXT (recorded)"
            case .notApproved: return "gantry approvals \(env) --release \(input.record.release) says why each approval did not count; another person signs one with gantry approve \(env) --release \(input.record.release) --key KEY, then \(redeploy)"
            case .runnerUnfit: return "gantry runners; gantry select-runner picks a healthy runner for the job"
            case .preflightSecretMissing: return "map the missing secret into the step's env:, then \(redeploy)"
            case .preflightHostUnreachable, .hostUnreachable:
                return "ssh \(host ?? "HOST") true from the runner; bring the host back (or take it out of the inventory), then \(recover)\(redeploy)"
            case .preflightToolMissing: return "install the tool on the runner image, then \(redeploy)"
            case .preflightDiskLow, .diskFull: return "free space (df -h; prune old releases and caches), then \(recover)\(redeploy)"
            case .preflightInventoryEmpty: return "gantry validate; fix the inventory group of \(env)"
            case .commandFailed: return "gantry show \(input.record.id) for the failing step; fix it, then \(recover)\(redeploy)"
            case .commandTimeout: return "find what hung in gantry show \(input.record.id); \(recover)\(redeploy) once fixed"
            case .commandNotStarted: return "install the deploy program or fix its path in gantry.yml, then \(redeploy)"
            case .commandKilled, .oomKilled: return "free memory on the runner or lower the deploy's parallelism, then \(recover)\(redeploy)"
            case .checkFailed, .checkNoData, .verifyTimeout: return "gantry check \(env) to see the checks now; fix the release or the check"
            case .analysisFailed: return "gantry show \(input.record.id) for the analysis' figures; fix the release (or the query), then \(redeploy)"
            case .rolloutPaused: return "gantry status \(env); decide the paused rollout with gantry promote \(env) or gantry abort \(env), then \(redeploy)"
            case .rolloutAborted, .pauseTimeout: return "find why the analysis had no data (run its query in Prometheus), then \(redeploy)"
            case .rollbackFailed, .noRollbackPath:
                if let lastGood = input.lastGood { return "gantry rollback \(env) --to \(lastGood), then check what the hosts serve" }
                return "restore production by deploying a known good release, then configure a rollback command"
            case .leaseLost, .storeUnavailable: return "fix the runner's path to the state store; \(recover.isEmpty ? "gantry recover \(env) if anything was left" : "gantry recover \(env)")"
            case .interrupted: return input.record.outcome == nil ? "gantry recover \(env)" : "\(redeploy) when ready"
            case .internalError: return "gantry recover \(env) if production may have changed; report gantry show \(input.record.id)"
            case .authFailed: return "restore the SSH key or vault password in the CI secrets, then \(redeploy)"
            case .dnsFailure: return "getent hosts \(host ?? "NAME") on the runner; fix DNS or the inventory's names"
            case .runnerShutdown: return "keep deploying runners out of scale-in while jobs run; \(input.record.outcome == nil ? "gantry recover \(env)" : redeploy)"
            case .runnerSessionConflict: return "stop the second listener of this runner registration (two machines or services share it)"
            case .runnerRegistrationDeleted: return "register the runner again with a fresh token (./config.sh)"
            case .runnerNetworkTimeout: return "check the runner's egress to github.com, then \(redeploy)"
            }
        }
    }
}

/// The parts of Ansible's default output lines that diagnosis reads.
private enum AnsibleLine {
    /// `web-2` from `fatal: [web-2]: FAILED! => …` (or `fatal: [web-2 -> localhost]: …`).
    static func host(_ line: String) -> String? {
        guard let open = line.range(of: "fatal: ["), let close = line[open.upperBound...].firstIndex(of: "]") else { return nil }
        let inside = line[open.upperBound..<close]
        return String(inside.split(separator: " ").first ?? inside)
    }

    /// `install release` from `TASK [install release] ****`.
    static func task(_ line: String) -> String? {
        guard line.hasPrefix("TASK ["), let close = line.lastIndex(of: "]") else { return nil }
        let start = line.index(line.startIndex, offsetBy: 6)
        return start <= close ? String(line[start..<close]) : nil
    }
}
