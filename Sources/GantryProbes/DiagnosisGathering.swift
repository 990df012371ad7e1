import Foundation
package import GantryCore

/// Gathers what `gantry diagnose` judges: the deployment and its journal from the store, the
/// lease, queue and latest verdicts, the runner's `_diag` logs and the machine's state.
package struct DiagnosisGathering {
    let config: GantryConfig
    let store: any StateStore
    /// The variables this run sees (secrets among them are masked).
    let processEnvironment: [String: String]
    /// Judges whether a lease's holder is provably dead.
    let processes: any ProcessControl
    /// Where `--runner-logs` is relative to.
    let workingDirectory: String
    /// The SQLite store's directory, whose free space matters; nil for PostgreSQL.
    let storeDirectory: String?

    /// Bad input found while gathering (a deployment id or a runner log that is not there).
    package struct BadInput: Error, Sendable, CustomStringConvertible {
        package var description: String
    }

    package init(
        config: GantryConfig, store: any StateStore, processEnvironment: [String: String], processes: any ProcessControl,
        workingDirectory: String, storeDirectory: String?
    ) {
        self.config = config
        self.store = store
        self.processEnvironment = processEnvironment
        self.processes = processes
        self.workingDirectory = workingDirectory
        self.storeDirectory = storeDirectory
    }

    /// The deployment `target` names: an id, or an environment (its newest deployment that did
    /// not succeed), or nil (the newest such deployment of any environment).
    package func deployment(_ target: String?) async throws -> DeploymentRecord {
        if let target, DeploymentID.isWellFormed(target) {
            guard let record = try await store.deployment(DeploymentID(rawValue: target)) else {
                throw BadInput(description: "no deployment \(target) in the state store; see 'gantry history ENV'")
            }
            return record
        }
        if let target, config.environments.first(where: { $0.name == target }) == nil {
            throw BadInput(description: "'\(target)' is neither a deployment id nor an environment of \(config.file) (environments: \(config.environments.map(\.name).joined(separator: ", ")))")
        }
        let recent = try await store.deployments(environment: target, limit: 500)
        let live = Set(try await leases(for: target).compactMap(\.deploymentID))
        guard let record = recent.first(where: { record in
            guard let outcome = record.outcome else { return !live.contains(record.id) }
            return outcome != .succeeded && outcome != .skipped
        }) else {
            throw NothingToDiagnose(scope: target)
        }
        return record
    }

    private func leases(for environment: String?) async throws -> [Lease] {
        var leases: [Lease] = []
        for name in environment.map({ [$0] }) ?? config.environments.map(\.name) {
            if let lease = try await store.lease(environment: name) { leases.append(lease) }
        }
        return leases
    }

    /// Everything about `record`, with the runner's logs from `runnerLogs` (or the runner's
    /// `diag:` in the config).
    package func input(for record: DeploymentRecord, runnerLogs: String?, runner: String?) async throws -> DiagnosisInput {
        let environmentConfig = config.environments.first(where: { $0.name == record.environment })
        let masker = environmentConfig.map { SecretMasker.forEnvironment($0, processEnvironment: processEnvironment) } ?? SecretMasker(values: [])
        var input = DiagnosisInput(record: record, journal: try await store.journal(record.id), masker: masker, now: Date())
        let lease = try await store.lease(environment: record.environment)
        input.lease = lease
        input.waiters = try await store.waiters(environment: record.environment, liveSince: Date().addingTimeInterval(-DeploymentEngine.waiterStaleness.seconds))
        input.observations = try await store.observations()
        input.lastGood = try await store.environmentState(record.environment).lastGood
        if let lease, !lease.isHeldByHand {
            input.holderProvablyDead = HolderLiveness.isProvablyDead(lease.owner, processes: processes)
        }
        var paths = [config.directory, NSTemporaryDirectory()]
        if let directory = logDirectory(runnerLogs: runnerLogs, runner: runner ?? record.origin.runner) {
            paths.append(directory)
            do {
                input.runnerLogs = try RunnerLogReader.read(directory: directory, since: record.startedAt.addingTimeInterval(-86_400))
            } catch let error as RunnerLogError {
                throw BadInput(description: error.description)
            }
        }
        if let storeDirectory { paths.append(storeDirectory) }
        paths += Diagnoser.pathsOutOfSpace(input.journal).compactMap(Self.existingAncestor)
        input.machine = MachineEvidence.read(paths: paths)
        return input
    }

    /// The path itself if it exists, else its nearest existing parent directory.
    static func existingAncestor(_ path: String) -> String? {
        var candidate = path
        while !candidate.isEmpty, candidate != "/" {
            if FileManager.default.fileExists(atPath: candidate) { return candidate }
            candidate = PathText.directory(of: candidate)
        }
        return nil
    }

    /// `--runner-logs`, else the `diag:` of the named runner, made absolute.
    func logDirectory(runnerLogs: String?, runner: String?) -> String? {
        if let runnerLogs { return PathText.join(workingDirectory, runnerLogs) }
        guard let runner, let diag = config.runners.first(where: { $0.name == runner })?.diag else { return nil }
        return PathText.join(config.directory, diag)
    }
}
