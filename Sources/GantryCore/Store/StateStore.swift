public import Foundation

/// Where Gantry keeps what it knows: environments, deployments, journals and leases.
///
/// SQLite implements it for one runner host and PostgreSQL for many; both pass the same
/// contract tests. Every write made on behalf of a running deployment carries the lease's
/// fencing token and fails with `StoreError.staleToken` when a newer lease exists, so a
/// paused or partitioned old holder cannot overwrite what the new holder decided.
public protocol StateStore: Sendable {
    /// The state of one environment (empty when it never deployed).
    func environmentState(_ environment: String) async throws(StoreError) -> EnvironmentState
    /// Every environment that has state.
    func environmentStates() async throws(StoreError) -> [EnvironmentState]

    /// Takes the environment's lease when it is free or expired at `now`.
    func tryAcquireLock(environment: String, owner: Origin, deploymentID: DeploymentID?, reason: String?, ttl: Duration, now: Date) async throws(StoreError) -> LockAttempt
    /// Gives the lease back; a no-op when `token` is no longer the holder's.
    func releaseLock(environment: String, token: FencingToken) async throws(StoreError)
    /// The live or expired lease of the environment, if it was not released.
    func lease(environment: String) async throws(StoreError) -> Lease?

    /// Records the start of a deployment. With a token, only while that lease is current.
    func beginDeployment(_ record: DeploymentRecord, token: FencingToken?) async throws(StoreError)
    /// Appends to a deployment's journal.
    func append(_ event: JournalEvent, to id: DeploymentID, at: Date, token: FencingToken?) async throws(StoreError)
    /// Ends a deployment. With `promote`, atomically makes its release current and last good.
    func finishDeployment(_ id: DeploymentID, outcome: Outcome, reason: String?, at: Date, promote: Bool, token: FencingToken?) async throws(StoreError)

    /// Recent deployments, newest first, of one environment or all.
    func deployments(environment: String?, limit: Int) async throws(StoreError) -> [DeploymentRecord]
    /// The newest deployment of the environment that ran or is running (not skipped or
    /// refused), other than `excluding`.
    func lastEffectiveDeployment(environment: String, excluding: DeploymentID?) async throws(StoreError) -> DeploymentRecord?
    func deployment(_ id: DeploymentID) async throws(StoreError) -> DeploymentRecord?
    func journal(_ id: DeploymentID) async throws(StoreError) -> [JournalEntry]
}

/// A state store failure, with what to do about it.
public struct StoreError: Error, Sendable, CustomStringConvertible {
    public enum Code: String, Sendable {
        /// The store cannot be opened or read (missing directory, permissions, bad URL).
        case unavailable
        /// Another process holds the database longer than the busy timeout.
        case busy
        /// The file is not a Gantry database, or is damaged.
        case corrupt
        /// The database was written by a newer gantry.
        case tooNew
        /// A write carried a fencing token older than the environment's current lease.
        case staleToken
        /// A write named a deployment that does not exist.
        case notFound
    }

    public var code: Code
    public var message: String
    public var hint: String?

    public init(_ code: Code, _ message: String, hint: String? = nil) {
        self.code = code
        self.message = message
        self.hint = hint
    }

    public var description: String {
        hint.map { "\(message) (\($0))" } ?? message
    }
}
