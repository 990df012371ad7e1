import Foundation
import GantryCore
import GantryTerminal

/// JSON output: snake_case keys, RFC 3339 UTC timestamps, sorted keys. The shapes are
/// documented in the README and change only by adding fields.
enum JSONOutput {
    static func encode(_ value: some Encodable) -> String {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
        encoder.keyEncodingStrategy = .convertToSnakeCase
        encoder.dateEncodingStrategy = .custom { date, encoder in
            var container = encoder.singleValueContainer()
            try container.encode(Timestamp.format(date))
        }
        let data = (try? encoder.encode(value)) ?? Data("{}".utf8)
        return String(decoding: data, as: UTF8.self) + "\n"
    }

    static func print(_ value: some Encodable) {
        Console.write(encode(value), to: STDOUT_FILENO)
    }
}

/// `deploy --json`, `plan --json` and the entries of `history --json`.
struct DeploymentView: Encodable {
    var id: String
    var environment: String
    var release: String
    var kind: String
    var outcome: String?
    var reason: String?
    var startedAt: Date
    var finishedAt: Date?
    var durationSeconds: Double?
    var forced: Bool
    var host: String
    var pid: Int32
    var runner: String?
    var actor: String?
    var runUrl: String?
    var commit: String?

    init(_ record: DeploymentRecord) {
        id = record.id.rawValue
        environment = record.environment
        release = record.release
        kind = record.kind.rawValue
        outcome = record.outcome?.rawValue
        reason = record.reason
        startedAt = record.startedAt
        finishedAt = record.finishedAt
        durationSeconds = record.duration?.seconds
        forced = record.forced
        host = record.origin.host
        pid = record.origin.pid
        runner = record.origin.runner
        actor = record.origin.actor
        runUrl = record.origin.runURL
        commit = record.origin.commit
    }
}

/// The result of `gantry deploy --json`.
struct DeployResultView: Encodable {
    var id: String
    var environment: String
    var release: String
    var outcome: String
    var reason: String
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
        previousRelease = summary.previousRelease
        startedAt = summary.startedAt
        finishedAt = summary.finishedAt
        durationSeconds = summary.duration.seconds
        attempts = summary.attempts
        self.exitCode = exitCode
    }
}

/// A lease as `status --json` shows it.
struct LeaseView: Encodable {
    var token: Int64
    var host: String
    var pid: Int32
    var runner: String?
    var actor: String?
    var runUrl: String?
    var deploymentId: String?
    var reason: String?
    var acquiredAt: Date
    var expiresAt: Date

    init(_ lease: Lease) {
        token = lease.token.value
        host = lease.owner.host
        pid = lease.owner.pid
        runner = lease.owner.runner
        actor = lease.owner.actor
        runUrl = lease.owner.runURL
        deploymentId = lease.deploymentID?.rawValue
        reason = lease.reason
        acquiredAt = lease.acquiredAt
        expiresAt = lease.expiresAt
    }
}
