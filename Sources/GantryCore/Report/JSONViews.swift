public import Foundation

/// The one JSON form of everything gantry prints (`--json`) or serves (`/api/v1/status`):
/// snake_case keys in sorted order, RFC 3339 UTC timestamps with milliseconds. Scripts that
/// read one output can read the others; shapes change only by adding fields.
public enum JSONDocument {
    public static func encode(_ value: some Encodable) -> Data {
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
public struct DeploymentView: Encodable, Sendable {
    public var id: String
    public var environment: String
    public var release: String
    public var kind: String
    public var outcome: String?
    public var reason: String?
    /// Why it did not succeed, as a stable code (`ReasonCatalog`); absent when it did.
    public var reasonCode: String?
    public var startedAt: Date
    public var finishedAt: Date?
    public var durationSeconds: Double?
    public var forced: Bool
    public var host: String
    public var pid: Int32
    public var runner: String?
    public var actor: String?
    public var runUrl: String?
    public var commit: String?

    public init(_ record: DeploymentRecord) {
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
public struct FreezeView: Encodable, Sendable {
    public var reason: String
    public var by: String
    public var at: Date

    public init(_ freeze: EnvironmentState.Freeze) {
        reason = freeze.reason
        by = freeze.by
        at = freeze.at
    }
}
