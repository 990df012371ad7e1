import Foundation
import GantryCore
import GantryTerminal

/// JSON output on standard output, in the form every JSON view shares (`JSONDocument`).
enum JSONOutput {
    static func encode(_ value: some Encodable) -> String {
        String(decoding: JSONDocument.encode(value), as: UTF8.self) + "\n"
    }

    static func print(_ value: some Encodable) {
        Console.write(encode(value), to: STDOUT_FILENO)
    }
}

/// The result of `gantry deploy --json`.
struct DeployResultView: Encodable {
    var id: String
    var environment: String
    var release: String
    var outcome: String
    var reason: String
    /// Why it did not succeed, as a stable code (docs/runbooks.md); absent when it did.
    var reasonCode: String?
    var previousRelease: String?
    var startedAt: Date
    var finishedAt: Date
    var durationSeconds: Double
    var attempts: Int
    var rolledBackTo: String?
    var exitCode: Int32

    init(_ summary: DeploymentSummary, exitCode: Int32) {
        rolledBackTo = summary.rolledBackTo
        id = summary.id.rawValue
        environment = summary.environment
        release = summary.release
        outcome = summary.outcome.rawValue
        reason = summary.reason
        reasonCode = summary.reasonCode?.rawValue
        previousRelease = summary.previousRelease
        startedAt = summary.startedAt
        finishedAt = summary.finishedAt
        durationSeconds = summary.duration.seconds
        attempts = summary.attempts
        self.exitCode = exitCode
    }
}
