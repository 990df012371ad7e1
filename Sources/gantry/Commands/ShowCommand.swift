import ArgumentParser
import Foundation
import GantryCore
import GantryTerminal

struct ShowCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "show",
        abstract: "Show one deployment: its steps, commands, output and outcome.",
        discussion: "Everything shown comes from the journal, with secret values already masked when it was written."
    )

    @OptionGroup var global: GlobalOptions

    @Argument(help: "The deployment id, as printed by deploy and history.")
    var id: String

    @Flag(help: "Print the deployment and its journal as JSON.")
    var json = false

    func run() async throws {
        guard DeploymentID.isWellFormed(id) else {
            throw Failure.usage("'\(id)' is not a deployment id; ids look like 20261129-031541.123-9f2c1a (see 'gantry history ENV')")
        }
        let context = Context(options: global)
        let config = try context.loadConfig()
        let deploymentID = DeploymentID(rawValue: id)
        guard let store = try await context.openStore(config: config, create: false) else {
            throw Failure.usage("no deployment \(id): nothing has been deployed with this state store yet")
        }
        let record: DeploymentRecord
        let entries: [JournalEntry]
        do {
            guard let found = try await store.deployment(deploymentID) else {
                throw Failure.usage("no deployment \(id) in the state store; see 'gantry history ENV'")
            }
            record = found
            entries = try await store.journal(deploymentID)
        } catch let error as Failure {
            throw error
        } catch let error as StoreError {
            throw Failure.store(error)
        }
        if json {
            JSONOutput.print(ShowView(deployment: DeploymentView(record), journal: entries.map(JournalEntryView.init)))
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
            let offset = DurationText.format(.milliseconds(Int64((entry.at.timeIntervalSince(record.startedAt) * 1000).rounded())))
            let event = entry.event
            let prefix = "  +\(offset.padding(toLength: 7)) "
            switch event.kind {
            case .output:
                for line in (event.message ?? "").split(separator: "\n", omittingEmptySubsequences: false) {
                    text += style.dim("  │ ") + VisibleText.render(String(line)) + "\n"
                }
            case .commandStarted:
                text += prefix + "\(event.step ?? "command") attempt \(event.attempt ?? 1): $ \((event.command ?? []).map(PlanPrinter.shellDisplay).joined(separator: " "))\n"
            case .commandFinished:
                let took = event.durationMilliseconds.map { " after \(DurationText.format(.milliseconds($0)))" } ?? ""
                text += prefix + "\(event.step ?? "command") \(event.message ?? "finished")\(took)\n"
            default:
                let detail = [event.message, event.release, event.outcome?.rawValue].compactMap { $0 }.joined(separator: " ")
                text += prefix + "\(event.kind.rawValue.replacingOccurrences(of: "_", with: " "))\(detail.isEmpty ? "" : ": \(detail)")\n"
            }
        }
        Console.write(text, to: STDOUT_FILENO)
    }
}

/// `show --json`.
struct ShowView: Encodable {
    var deployment: DeploymentView
    var journal: [JournalEntryView]
}

struct JournalEntryView: Encodable {
    var sequence: Int
    var at: Date
    var kind: String
    var step: String?
    var attempt: Int?
    var message: String?
    var command: [String]?
    var exitCode: Int32?
    var signal: Int32?
    var timedOut: Bool?
    var durationSeconds: Double?
    var release: String?
    var outcome: String?
    var check: String?
    var target: String?
    var passed: Bool?
    var reasonCode: String?
    var causeCode: String?

    init(_ entry: JournalEntry) {
        sequence = entry.sequence
        at = entry.at
        kind = entry.event.kind.rawValue
        step = entry.event.step
        attempt = entry.event.attempt
        message = entry.event.message
        command = entry.event.command
        exitCode = entry.event.exitCode
        signal = entry.event.signal
        timedOut = entry.event.timedOut
        durationSeconds = entry.event.durationMilliseconds.map { Double($0) / 1000 }
        release = entry.event.release
        outcome = entry.event.outcome?.rawValue
        check = entry.event.check
        target = entry.event.target
        passed = entry.event.passed
        reasonCode = entry.event.reasonCode?.rawValue
        causeCode = entry.event.causeCode?.rawValue
    }
}
