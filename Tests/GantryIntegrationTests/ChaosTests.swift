import Foundation
import Testing
#if canImport(Glibc)
import Glibc
#endif

/// A small seeded generator, so a failing chaos run can be repeated (GANTRY_CHAOS_SEED).
struct SplitMix64: RandomNumberGenerator {
    var state: UInt64
    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
}

/// Faults mixed at random for many rounds, deployers on two hosts: after every round (and a
/// `gantry recover`) production was never changed by two commands at once, every deployment
/// has an outcome, `current` is what production serves, and the lock is free.
@Suite("chaos across hosts", .serialized, .enabled(if: SimulatedHost.required))
struct ChaosTests {
    enum Fault: String, CaseIterable {
        /// The holder's gantry is frozen mid-deploy; the other host takes over, then it resumes.
        case freeze
        /// The holder's gantry is killed outright at a random moment.
        case kill
        /// Both hosts deploy at once.
        case race
        /// PostgreSQL restarts under a deployment (PostgreSQL only).
        case restart
        /// The holder's gantry is frozen inside a transaction on its lease row (PostgreSQL
        /// only): the successor takes over once the server ends that session, within the
        /// lease plus the session's idle-transaction timeout, and the thawed holder's writes
        /// are refused by its token.
        case frozenInTransaction
    }

    /// Every command (deploy and rollback) writes `<deployment>-<pid> <ns>` ticks; a deploy ticks
    /// ten times (a release named `long…` forty), 0.1 s apart, then writes its release into
    /// live.txt.
    func config(_ state: String) -> String {
        let deploy = "t=\"$GANTRY_DEPLOYMENT_ID-$$\"; n=10; case $1 in long*) n=40;; esac; i=0; while [ $i -lt $n ]; do echo \"$t $(date +%s%N)\" >> ticks.log; sleep 0.1; i=$((i+1)); done; echo $1 > live.txt"
        let rollback = "echo \"$GANTRY_DEPLOYMENT_ID-$$ $(date +%s%N)\" >> ticks.log; echo $1 > live.txt"
        return """
            version: 1
            \(state)
            environments:
              production:
                lock: { lease: 4s }
                deploy: { command: [/bin/sh, -c, \(jsonString(deploy)), deploy, "{release}"], grace: 1s }
                rollback: { command: [/bin/sh, -c, \(jsonString(rollback)), rollback, "{release}"], grace: 1s }
                checks:
                  - { name: live, command: { command: [test, -s, live.txt] }, timeout: 2s, retries: 0 }
            """
    }

    /// The time span of every command, by its tag, in order of start.
    func spans(_ project: Project) -> [(tag: Substring, first: Int, last: Int)] {
        var spans: [Substring: (Int, Int)] = [:]
        for line in (project.read("ticks.log") ?? "").split(separator: "\n") {
            let parts = line.split(separator: " ")
            guard parts.count == 2, let at = Int(parts[1]) else { continue }
            let known = spans[parts[0]]
            spans[parts[0]] = (min(known?.0 ?? at, at), max(known?.1 ?? at, at))
        }
        return spans.map { ($0.key, $0.value.0, $0.value.1) }.sorted { $0.first < $1.first }
    }

    @Test("30 rounds of frozen holders, killed gantries, racing hosts, database restarts and holders frozen inside a transaction keep every invariant", arguments: SharedStore.available)
    func chaos(store: SharedStore) throws {
        let seed = ProcessInfo.processInfo.environment["GANTRY_CHAOS_SEED"].flatMap(UInt64.init) ?? UInt64.random(in: 1...UInt64.max)
        var random = SplitMix64(state: seed)
        let restartScripts = (ProcessInfo.processInfo.environment["GANTRY_TEST_POSTGRES_STOP"], ProcessInfo.processInfo.environment["GANTRY_TEST_POSTGRES_START"])
        let faults = Fault.allCases.filter {
            switch $0 {
            case .restart: store == .postgres && restartScripts.0 != nil
            case .frozenInTransaction: store == .postgres
            default: true
            }
        }
        let (state, environment) = try store.make()
        let project = try Project(config: config(state))
        let hosts = [SimulatedHost(name: "chaos-a"), SimulatedHost(name: "chaos-b")]
        let base = try hosts[1].run(["deploy", "production", "--release", "base"], in: project, environment: environment)
        try #require(base.status == 0, "\(base.output)")
        var counts: [Fault: Int] = [:]
        let rounds = 30
        for round in 1...rounds {
            // Every kind of fault is tried: the last rounds take those not drawn yet.
            let missing = faults.filter { counts[$0] == nil }
            let fault = rounds - round < missing.count ? missing[0] : faults.randomElement(using: &random)!
            counts[fault, default: 0] += 1
            let context = "seed \(seed), round \(round) (\(fault))"
            let first = Int.random(in: 0...1, using: &random)
            let delay = Double.random(in: 0.05...1.2, using: &random)
            switch fault {
            case .freeze:
                let holder = try hosts[first].start(["deploy", "production", "--release", "f\(round)", "--wait", "30s"], in: project, environment: environment)
                Thread.sleep(forTimeInterval: delay)
                kill(holder.gantry, SIGSTOP)
                let other = try hosts[1 - first].run(["deploy", "production", "--release", "g\(round)", "--wait", "30s"], in: project, environment: environment)
                // On SQLite a holder frozen inside a write transaction keeps the file's write
                // lock: the other deploy is then refused, changing nothing (docs/state.md, SQLite).
                let blockedByFile = store == .sqlite && other.status == 3 && other.output.contains("state store busy")
                #expect([0, 1].contains(other.status) || blockedByFile, "\(context): \(other.output)")
                kill(holder.gantry, SIGCONT)
                _ = holder.wait()
            case .kill:
                let victim = try hosts[first].start(["deploy", "production", "--release", "k\(round)", "--wait", "30s"], in: project, environment: environment)
                Thread.sleep(forTimeInterval: delay)
                kill(victim.gantry, SIGKILL)
                _ = victim.wait()
            case .race:
                let one = try hosts[0].start(["deploy", "production", "--release", "r\(round)a", "--wait", "30s"], in: project, environment: environment)
                let two = try hosts[1].start(["deploy", "production", "--release", "r\(round)b", "--wait", "30s"], in: project, environment: environment)
                for result in [one.wait(), two.wait()] {
                    #expect([0, 1].contains(result.status), "\(context): \(result.output)")
                }
            case .restart:
                let running = try hosts[first].start(["deploy", "production", "--release", "p\(round)", "--wait", "30s"], in: project, environment: environment)
                Thread.sleep(forTimeInterval: delay)
                #expect(Spawn.run(restartScripts.0!) == 0, "\(context): PostgreSQL did not stop")
                Thread.sleep(forTimeInterval: 0.5)
                #expect(Spawn.run(restartScripts.1!) == 0, "\(context): PostgreSQL did not start")
                _ = running.wait()
            case .frozenInTransaction:
                try freezeInsideTransaction(round: round, state: state, hosts: hosts[first], hosts[1 - first], project: project, environment: environment, context: context)
            }
            let recovery = try hosts[Int.random(in: 0...1, using: &random)].run(["recover", "production", "--wait", "30s"], in: project, environment: environment)
            #expect(recovery.status == 0, "\(context): recover: \(recovery.output)")
            let spans = spans(project)
            for (earlier, later) in zip(spans, spans.dropFirst()) {
                #expect(earlier.last < later.first, "\(context): commands \(earlier.tag) and \(later.tag) overlapped by \(Double(earlier.last - later.first) / 1e6) ms")
            }
            let history = try #require(try project.json("history", "production", "--limit", "500", environment: environment)["deployments"] as? [[String: Any]])
            #expect(history.allSatisfy { $0["outcome"] is String }, "\(context): a deployment has no outcome")
            let status = try #require((try project.json("status", environment: environment)["environments"] as? [[String: Any]])?.first)
            #expect(status["lock"] is NSNull, "\(context): the lock is held: \(status["lock"] ?? "")")
            let current = status["current"] as? String
            #expect(project.read("live.txt") == "\(current ?? "")\n", "\(context): production serves \(project.read("live.txt") ?? "nothing"), current is \(current ?? "nil")")
        }
        #expect(counts.count == faults.count, "seed \(seed): not every fault was tried: \(counts)")
    }

    /// The holder is frozen (SIGSTOP) by the relay its store connections go through, inside
    /// a transaction that holds its lease row (a renewal or a fenced journal write). The
    /// lease row stays locked; the other host's deploy takes over once the server has ended
    /// the frozen session (`idle_in_transaction_session_timeout`, 10 s), so within the lease
    /// (4 s) plus 10 s; the thawed holder's writes are refused as stale.
    func freezeInsideTransaction(round: Int, state: String, hosts holderHost: SimulatedHost, _ otherHost: SimulatedHost, project: Project, environment: [String: String], context: String) throws {
        let database = try SharedDatabase.Target(stateLine: state)
        let proxy = try PostgresFreezingProxy(targetPort: database.port)
        defer { proxy.close() }
        let before = spans(project).count
        let holder = try holderHost.start(
            ["deploy", "production", "--release", "long\(round)", "--wait", "30s"], in: project,
            environment: environment.merging(["GANTRY_STATE": database.url(port: proxy.port)]) { $1 }
        )
        // Whatever happens below, the holder is not left stopped, nor running past the round.
        var stale: GantryBinary.Result?
        defer {
            if stale == nil {
                kill(holder.gantry, SIGCONT)
                _ = holder.wait()
            }
        }
        // Armed once the holder's command runs, so the transaction it freezes in is one of a
        // lease holder's, not the acquiring one.
        let deadline = Date().addingTimeInterval(20)
        while spans(project).count == before, Date() < deadline { Thread.sleep(forTimeInterval: 0.02) }
        try #require(spans(project).count > before, "\(context): the holder's command never started")
        proxy.arm { kill(holder.gantry, SIGSTOP) }
        while proxy.frozenAt == nil, Date() < deadline.addingTimeInterval(10) { Thread.sleep(forTimeInterval: 0.02) }
        let frozeAt = try #require(proxy.frozenAt, "\(context): the holder never opened a transaction on its lease row")
        let locked = database.psql("SELECT 1 FROM gantry_locks WHERE environment = 'production' FOR UPDATE NOWAIT")
        #expect(locked.status != 0 && locked.output.contains("could not obtain lock"), "\(context): the frozen holder does not hold its lease row: \(locked.output)")
        let successor = try otherHost.run(["deploy", "production", "--release", "s\(round)", "--wait", "30s"], in: project, environment: environment)
        #expect(successor.status == 0, "\(context): the successor: \(successor.output)")
        if let first = spans(project).last?.first {
            let after = Double(first) / 1e9 - frozeAt.timeIntervalSince1970
            #expect(after < 4 + 10 + 3, "\(context): the successor's command began \(after) s after the freeze, beyond the lease and the idle-transaction timeout")
        }
        let thawedAt = Date()
        kill(holder.gantry, SIGCONT)
        let thawed = holder.wait()
        stale = thawed
        #expect(thawed.status != 0, "\(context): the thawed holder: \(thawed.output)")
        // Its first write after the thaw is refused by its token, or, when that write was
        // begun before the freeze, has outlived its 10 s deadline by the thaw: either way the
        // store keeps nothing the holder wrote after it thawed.
        #expect(thawed.output.contains("no longer current") || thawed.output.contains("state store failed"), "\(context): the thawed holder: \(thawed.output)")
        let history = try #require(try project.json("history", "production", "--limit", "20", environment: environment)["deployments"] as? [[String: Any]])
        let id = try #require(history.first { $0["release"] as? String == "long\(round)" }?["id"] as? String, "\(context): no record of the holder's deployment")
        let journal = try #require(try project.json("show", id, environment: environment)["journal"] as? [[String: Any]])
        let dates = ISO8601DateFormatter()
        dates.formatOptions = [.withInternetDateTime, .withFractionalSeconds]
        let late = journal.filter { ($0["at"] as? String).flatMap(dates.date(from:)).map { $0 >= thawedAt } ?? true }
        #expect(late.isEmpty, "\(context): the store accepted the thawed holder's writes: \(late)")
    }
}
