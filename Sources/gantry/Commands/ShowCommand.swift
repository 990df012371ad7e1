import ArgumentParser
import Foundation
import GantryCore
import GantryTerminal

struct ShowCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "show",
        abstract: "Show one deployment: its steps, commands, output and outcome.",
        discussion: "Name a deployment by its id, by an environment (its newest deployment) or as 'latest' (the newest of any environment). Everything shown comes from the journal, with secret values already masked when it was written. 'gantry show ENV --follow' follows the deployment running in ENV, or the next one to start, until it ends."
    )

    @OptionGroup var global: GlobalOptions

    @Argument(help: "A deployment id (as deploy and history print it), an environment (its newest deployment), or 'latest'.")
    var id: String

    @Flag(help: "Print the deployment and its journal as JSON.")
    var json = false

    @Flag(help: "Follow a deployment another process runs, through the shared store: print its journal as it grows and exit with its exit code when it ends.")
    var follow = false

    func validate() throws {
        if follow, json { throw ValidationError("--follow prints the journal as it grows; use it without --json") }
    }

    func run() async throws {
        let context = Context(options: global)
        let config = try context.loadConfig()
        let store = try await context.openStore(config: config, create: false)
        let record: DeploymentRecord
        let entries: [JournalEntry]
        do {
            guard let found = try await Self.resolve(id, config: config, store: store, follow: follow) else { return }
            record = found
            entries = try await store?.journal(record.id) ?? []
        } catch let error as Failure {
            throw error
        } catch let error as StoreError {
            throw Failure.store(error)
        }
        guard let store else { return }
        if json {
            JSONOutput.print(ShowView(deployment: DeploymentView(record), rollout: RolloutProgress.latest(in: entries), journal: entries.map(JournalEntryView.init)))
            return
        }
        if follow {
            try await Self.follow(record, store: store, style: Style(enabled: context.console().traits.color))
            return
        }
        let style = Style(enabled: context.console().traits.color)
        var text = style.bold("deployment \(record.id)") + "\n"
        text += "  environment: \(record.environment)\n  release:     \(record.release)\(record.forced ? " (forced)" : "")\n"
        text += "  outcome:     \(record.outcome?.rawValue ?? "running")\n"
        if let reason = record.reason { text += "  reason:      \(reason)\n" }
        if let code = record.reasonCode { text += "  code:        \(code.rawValue) (gantry diagnose \(record.id) explains it)\n" }
        text += "  started:     \(Timestamp.format(record.startedAt))\n"
        if let duration = record.duration { text += "  took:        \(DurationText.format(duration))\n" }
        text += "  by:          \(record.origin.summary)\n"
        if let commit = record.origin.commit { text += "  commit:      \(commit)\n" }
        if let rollout = RolloutProgress.latest(in: entries) {
            text += "  rollout:     \(rollout.text)\(record.outcome == nil ? "" : " (the last batch it started)")\n"
        }
        let checks = entries.filter { $0.event.kind == .checkResult }.map { entry in
            CheckResult(
                name: entry.event.step == Step.verify.rawValue ? (entry.event.check ?? "?") : "\(entry.event.step ?? "?"): \(entry.event.check ?? "?")",
                kind: "", target: entry.event.target, passed: entry.event.passed ?? false,
                outcome: entry.event.passed == true ? .pass : .fail, attempts: entry.event.attempt ?? 0,
                latencyMilliseconds: entry.event.durationMilliseconds ?? 0, message: entry.event.message ?? ""
            )
        }
        if !checks.isEmpty {
            text += "\n" + style.bold("checks") + "\n" + CheckTable.make(checks, style: style).render(style: style)
        }
        text += "\n" + style.bold("journal") + "\n"
        for entry in entries where entry.event.kind != .checkResult {
            text += Self.line(entry, startedAt: record.startedAt, style: style)
        }
        Console.write(text, to: STDOUT_FILENO)
    }

    /// One journal entry as `show` prints it.
    static func line(_ entry: JournalEntry, startedAt: Date, style: Style) -> String {
        let offset = DurationText.format(.milliseconds(Int64((entry.at.timeIntervalSince(startedAt) * 1000).rounded())))
        let event = entry.event
        let prefix = "  +\(offset.padding(toLength: 7)) "
        switch event.kind {
        case .output:
            return (event.message ?? "").split(separator: "\n", omittingEmptySubsequences: false).map {
                style.dim("  │ ") + VisibleText.render(String($0)) + "\n"
            }.joined()
        case .commandStarted:
            return prefix + "\(event.step ?? "command") attempt \(event.attempt ?? 1): $ \((event.command ?? []).map(PlanPrinter.shellDisplay).joined(separator: " "))\n"
        case .commandFinished:
            let took = event.durationMilliseconds.map { " after \(DurationText.format(.milliseconds($0)))" } ?? ""
            return prefix + "\(event.step ?? "command") \(event.message ?? "finished")\(took)\n"
        case .batchStarted:
            return prefix + "deploy \(event.message ?? "batch")\n"
        case .checkResult:
            let verdict = event.passed == true ? "passed" : "failed"
            return prefix + "check \(event.check ?? "?")\(event.target.map { " (\($0))" } ?? "") \(verdict): \(event.message ?? "")\n"
        default:
            let detail = [event.message, event.release, event.outcome?.rawValue].compactMap { $0 }.joined(separator: " ")
            return prefix + "\(event.kind.rawValue.replacingOccurrences(of: "_", with: " "))\(detail.isEmpty ? "" : ": \(detail)")\n"
        }
    }

    /// Prints the journal from its start, then each entry as it arrives, until the deployment records its
    /// outcome, then exits with the outcome's exit code (0 succeeded or skipped, 1 rolled
    /// back, …). Polls the store twice a second: followers never hold a lock or a connection
    /// a deployment needs.
    /// The deployment `name` names: an id, `latest`, or an environment's newest. With
    /// `follow` and an environment whose newest deployment has ended, waits for the next one
    /// to start (nil: nothing to show, said on standard output).
    static func resolve(_ name: String, config: GantryConfig, store: (any StateStore)?, follow: Bool) async throws -> DeploymentRecord? {
        let environment = config.environments.first { $0.name == name }?.name
        guard DeploymentID.isWellFormed(name) || name == "latest" || environment != nil else {
            let names = config.environments.map(\.name).joined(separator: ", ")
            throw Failure.usage("'\(name)' is neither a deployment id (such as 20261129-031541.123-9f2c1a), an environment (\(names)) nor 'latest'")
        }
        guard let store else {
            throw Failure.usage("no deployment \(name): nothing has been deployed with this state store yet")
        }
        do {
            if DeploymentID.isWellFormed(name) {
                guard let found = try await store.deployment(DeploymentID(rawValue: name)) else {
                    throw Failure.usage("no deployment \(name) in the state store; see 'gantry history'")
                }
                return found
            }
            let newest = try await store.deployments(environment: environment, limit: 1, before: nil).first
            guard follow, let environment else {
                guard let newest else { throw Failure.usage(environment.map { "no deployments of \($0) yet" } ?? "no deployments yet") }
                return newest
            }
            if let newest, newest.outcome == nil { return newest }
            Console.write("waiting for the next deployment of \(environment) to start; Ctrl-C stops waiting\n", to: STDOUT_FILENO)
            while true {
                try await Task.sleep(for: .milliseconds(500))
                if let next = try await store.deployments(environment: environment, limit: 1, before: nil).first, next.id != newest?.id { return next }
            }
        } catch let error as StoreError {
            throw Failure.store(error)
        }
    }

    static func follow(_ record: DeploymentRecord, store: any StateStore, style: Style) async throws {
        var last = 0
        var current = record
        Console.write(style.bold("following \(record.id)") + " (\(record.environment) \(record.release)); Ctrl-C stops following, not the deployment\n", to: STDOUT_FILENO)
        while true {
            let entries: [JournalEntry]
            do {
                entries = try await store.journal(record.id)
                current = try await store.deployment(record.id) ?? current
            } catch {
                throw Failure.store(error)
            }
            var text = ""
            for entry in entries where entry.sequence > last {
                text += line(entry, startedAt: record.startedAt, style: style)
                last = entry.sequence
            }
            if !text.isEmpty { Console.write(text, to: STDOUT_FILENO) }
            if let outcome = current.outcome {
                let code = current.reasonCode.map { " [\($0.rawValue)]" } ?? ""
                Console.write("\(current.environment) \(current.release): \(outcome.rawValue)\(code) — \(current.reason ?? "")\n", to: STDOUT_FILENO)
                if outcome.exitCode != 0 { throw ExitCode(outcome.exitCode) }
                return
            }
            try? await Task.sleep(for: .milliseconds(500))
        }
    }
}
