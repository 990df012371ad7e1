package import Foundation

/// The one JSON form of everything gantry prints (`--json`) or serves (`/api/v1/status`):
/// snake_case keys in sorted order, RFC 3339 UTC timestamps with milliseconds. Scripts that
/// read one output can read the others; shapes change only by adding fields.
package enum JSONDocument {
    package static func encode(_ value: some Encodable) -> Data {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
        encoder.keyEncodingStrategy = .convertToSnakeCase
        encoder.dateEncodingStrategy = .custom { date, encoder in
            var container = encoder.singleValueContainer()
            try container.encode(Timestamp.format(date))
        }
        return (try? encoder.encode(value)) ?? Data("{}".utf8)
    }
}

/// A deployment as every JSON output shows it: `deploy`/`plan`/`history`/`show --json` and
/// the status API's newest deployments.
package struct DeploymentView: Encodable, Sendable {
    package var id: String
    package var environment: String
    package var release: String
    package var kind: String
    package var outcome: String?
    package var reason: String?
    /// Why it did not succeed, as a stable code (`ReasonCatalog`); absent when it did.
    package var reasonCode: String?
    package var startedAt: Date
    package var finishedAt: Date?
    package var durationSeconds: Double?
    package var forced: Bool
    package var host: String
    package var pid: Int32
    package var runner: String?
    package var actor: String?
    package var runUrl: String?
    package var commit: String?

    package init(_ record: DeploymentRecord) {
        id = record.id.rawValue
        environment = record.environment
        release = record.release
        kind = record.kind.rawValue
        outcome = record.outcome?.rawValue
        reason = record.reason
        reasonCode = record.reasonCode?.rawValue
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

/// A freeze as every JSON output shows it.
package struct FreezeView: Encodable, Sendable {
    package var reason: String
    package var by: String
    package var at: Date

    package init(_ freeze: EnvironmentState.Freeze) {
        reason = freeze.reason
        by = freeze.by
        at = freeze.at
    }
}
