package import Foundation

/// A whole state store as one JSON document, to move a team from the embedded SQLite store to
/// the shared PostgreSQL one (or back): environments, every deployment with its journal,
/// observations and failovers. Leases and the queue are not moved: they belong to processes
/// that run now, and a move happens while nothing deploys.
package struct StateExport: Codable, Sendable {
    package static let format = "gantry-state"
    static let currentVersion = 1
    /// Deployments written per transaction by an import.
    static let batchSize = 1000

    package struct Deployment: Codable, Sendable {
        package var record: DeploymentRecord
        package var journal: [JournalEntry]

        package init(record: DeploymentRecord, journal: [JournalEntry]) {
            self.record = record
            self.journal = journal
        }
    }

    package var format: String
    package var version: Int
    var exportedAt: Date
    package var environments: [EnvironmentState]
    package var deployments: [Deployment]
    package var observations: [Observation]
    package var failovers: [RunnerFailover]
    /// The store's totals, pruned deployments included (absent from exports of older
    /// versions: the totals are then counted from the deployments alone).
    package var totals: HistoryTotals?

    /// Reads everything from `store`, oldest deployment first.
    package static func read(from store: any StateStore, at now: Date) async throws(StoreError) -> StateExport {
        var deployments: [Deployment] = []
        for record in try await store.deployments(environment: nil, limit: Int(Int32.max)).reversed() {
            deployments.append(Deployment(record: record, journal: try await store.journal(record.id)))
        }
        return StateExport(
            format: format, version: currentVersion, exportedAt: now, environments: try await store.environmentStates(),
            deployments: deployments, observations: try await store.observations(),
            failovers: try await store.failovers(limit: Int(Int32.max)).reversed(), totals: try await store.totals()
        )
    }

    /// Why an export cannot be imported.
    package struct Refusal: Error, Sendable, CustomStringConvertible {
        package var description: String
    }

    /// Checks the document and the target before anything is written: the format must be
    /// known and the target must hold no deployment, so an import never mixes two histories.
    package func validate(target: any StateStore) async throws -> Void {
        guard format == Self.format else { throw Refusal(description: "not a gantry state export (format '\(format)')") }
        guard version <= Self.currentVersion else {
            throw Refusal(description: "export version \(version) is newer than this gantry understands (\(Self.currentVersion)); upgrade gantry")
        }
        let existing = try await target.deployments(environment: nil, limit: 1)
        guard existing.isEmpty else {
            throw Refusal(description: "the target store already holds deployments; import only into an empty store")
        }
    }

    /// Writes everything into `target` (which `validate` found empty), a thousand
    /// deployments per transaction.
    package func write(to target: any StateStore) async throws(StoreError) {
        let current = Set(environments.compactMap(\.currentDeploymentID))
        var start = 0
        while start < deployments.count {
            let batch = Array(deployments[start..<min(start + Self.batchSize, deployments.count)])
            try await target.importDeployments(batch, current: current.intersection(batch.map(\.record.id)))
            start += Self.batchSize
        }
        // Moving a pruned store must not lower a counter: what the deployments no longer
        // account for is added as it was.
        if let totals {
            try await target.addToTotals(totals.subtracting(HistoryTotals(records: deployments.map(\.record.imported))))
        }
        for environment in environments {
            if let reset = environment.breakerResetAt { try await target.setFreeze(environment: environment.name, freeze: nil, at: reset) }
            if let freeze = environment.freeze { try await target.setFreeze(environment: environment.name, freeze: freeze, at: freeze.at) }
        }
        try await target.record(observations)
        for failover in failovers { try await target.recordFailover(failover) }
    }
}

extension DeploymentRecord {
    /// The record as an import writes it: a finished deployment without a finish time is
    /// taken to have finished when it started.
    package var imported: DeploymentRecord {
        var record = self
        if record.outcome != nil { record.finishedAt = record.finishedAt ?? record.startedAt }
        return record
    }
}
