import Foundation
package import GantryCore
import Logging
import NIOSSL
import PostgresNIO

/// The shared state store: one PostgreSQL database that every runner of a team uses, so the
/// lock, the current release and the history are the same whichever machine deploys.
///
/// Lease decisions use the database's clock (`clock_timestamp()`), never a runner's: the `now` a caller
/// passes is ignored for expiry, so a runner whose clock is off can neither take a live lease
/// nor keep an expired one. Fencing tokens come from one sequence. Every write made for a
/// running deployment checks its token under a row lock on the environment's lease, in the
/// same transaction as the write. Connections come from postgres-nio's pool, which
/// reconnects after the server restarts.
package final class PostgresStateStore: StateStore {
    let client: PostgresClient
    /// The client's `run()`, when the store runs it itself (no owner runs it).
    let runTask: Task<Void, Never>?
    /// Finished by `close()`: the client's `run()` ends, whoever runs it.
    let closing: AsyncStream<Void>.Continuation
    let closed: AsyncStream<Void>
    let logger: Logger
    /// `host:port/database`, for messages (never the password).
    let target: String
    let schema: SchemaGate
    let releases: LockReleaseListener

    /// - Parameters:
    ///   - migrate: bring the schema up to date on first use (the default); when false the
    ///     schema is never changed, not even created, and a database behind this binary is
    ///     refused with a message to run `gantry migrate`.
    ///   - noMigrationReason: why migration is off, for that message.
    ///   - runsClient: start the client's `run()` now, for a store nobody else owns; false
    ///     when an owner runs `run()` for as long as the store is used (the CLI's root).
    package init(url: PostgresURL, migrate: Bool = true, noMigrationReason: String = "automatic migration is turned off by GANTRY_MIGRATE=never", runsClient: Bool = true) throws(StoreError) {
        target = "\(url.host):\(url.port)/\(url.database ?? url.user)"
        var logger = Logger(label: "gantry.state.postgres")
        logger.logLevel = .critical
        self.logger = logger
        let tls: PostgresClient.Configuration.TLS
        do {
            tls = try Self.tls(for: url.sslMode ?? "prefer")
        } catch {
            throw StoreError(.unavailable, "TLS setup for the PostgreSQL state store failed: \(error)")
        }
        var configuration = PostgresClient.Configuration(
            host: url.host, port: url.port, username: url.user, password: url.password, database: url.database, tls: tls
        )
        configuration.options.connectTimeout = .seconds(5)
        configuration.options.maximumConnections = 4
        // The server ends what the client has given up on: a statement past the call's
        // deadline, and a session left inside a transaction (a gantry frozen, or a call
        // abandoned, between its SELECT … FOR UPDATE and its COMMIT) that would hold the
        // lease row, and block every successor, until its connection died.
        configuration.options.additionalStartupParameters = Self.sessionSettings
        let client = PostgresClient(configuration: configuration, backgroundLogger: logger)
        self.client = client
        (closed, closing) = AsyncStream.makeStream(of: Void.self)
        runTask = runsClient ? Task { [closed] in await Self.run(client, until: closed) } : nil
        schema = SchemaGate(migrate: migrate, noMigrationReason: noMigrationReason)
        releases = LockReleaseListener(client: client, logger: logger)
    }

    deinit {
        runTask?.cancel()
    }

    /// Runs the client's connection pool until the calling task is cancelled, which closes its
    /// connections with a goodbye to the server. Only for a store opened with
    /// `runsClient: false`; one that runs its own client returns at once.
    package func run() async {
        guard runTask == nil else { return }
        await Self.run(client, until: closed)
    }

    /// Ends the client's `run()`: at once for a store that runs its own client; an owner's
    /// `run()` returns soon after, and the owner waits for it.
    package func close() async {
        closing.finish()
        await runTask?.value
    }

    /// Runs `client` until `closed` finishes or the task is cancelled.
    private static func run(_ client: PostgresClient, until closed: AsyncStream<Void>) async {
        await withTaskGroup(of: Void.self) { group in
            group.addTask { await client.run() }
            group.addTask { for await _ in closed {} }
            await group.next()
            group.cancelAll()
        }
    }

    /// libpq's sslmode values: disable/allow talk plain, prefer tries TLS, require encrypts
    /// without checking the certificate, verify-ca checks it, verify-full also the host name.
    static func tls(for mode: String) throws -> PostgresClient.Configuration.TLS {
        var configuration = TLSConfiguration.makeClientConfiguration()
        switch mode {
        case "disable", "allow":
            return .disable
        case "prefer":
            configuration.certificateVerification = .none
            return .prefer(configuration)
        case "require":
            configuration.certificateVerification = .none
            return .require(configuration)
        case "verify-ca":
            configuration.certificateVerification = .noHostnameVerification
            return .require(configuration)
        default:
            return .require(configuration)
        }
    }

    // MARK: plumbing

    /// Runs `body` in one transaction, after the schema is known to be current.
    @discardableResult
    func transaction<T: Sendable>(_ body: @escaping @Sendable (PostgresConnection) async throws -> T) async throws(StoreError) -> T {
        let client = client
        let logger = logger
        return try await shielded {
            try await client.withTransaction(logger: logger) { connection in
                try await body(connection)
            }
        }
    }

    /// Runs one statement in autocommit mode: one round trip, no transaction to begin and
    /// commit. A single statement is atomic on its own, locks included.
    @discardableResult
    func autocommit<T: Sendable>(_ body: @escaping @Sendable (PostgresClient) async throws -> T) async throws(StoreError) -> T {
        let client = client
        return try await shielded { try await body(client) }
    }

    /// How long one store call may take before it is abandoned with an error: a connection
    /// that silently drops packets must not hang a deployment or its lease renewer.
    static let callTimeout: Duration = .seconds(10)

    /// gantry's sessions: no statement, and no idle transaction, outlives a call's deadline.
    /// A holder frozen inside a transaction delays its successor by at most this much beyond
    /// the lease.
    static let sessionSettings: [(String, String)] = [
        ("statement_timeout", "\(callTimeout.components.seconds)s"),
        ("idle_in_transaction_session_timeout", "\(callTimeout.components.seconds)s"),
    ]

    /// Runs a store call in a task of its own, so that it is neither refused nor cut short
    /// when the deployment's task was cancelled by SIGINT/SIGTERM (postgres-nio leases no
    /// connection to a cancelled task, and the journal, the rollback's records, the outcome
    /// and the lease release must still be written), and bounds it by `callTimeout`.
    func shielded<T: Sendable>(_ work: @escaping @Sendable () async throws -> T) async throws(StoreError) -> T {
        let outcome = await Task { [self] () async -> Result<T, StoreError> in
            do throws(StoreError) {
                try await ensureSchema()
            } catch {
                return .failure(error)
            }
            let answer = await Deadline.run(Self.callTimeout) { () async -> Result<T, any Error> in
                do {
                    return .success(try await work())
                } catch {
                    return .failure(error)
                }
            }
            switch answer {
            case .none:
                return .failure(StoreError(.unavailable, "no answer from the PostgreSQL state store at \(target) within \(DurationText.format(Self.callTimeout))",
                                           hint: "is the server up and reachable from this runner?"))
            case .failure(let error):
                return .failure(translate(error))
            case .success(let value):
                return .success(value)
            }
        }.value
        return try outcome.get()
    }

    /// How long the first contact may take. The pool would keep retrying a server that is
    /// not there for a minute; a command should say so sooner. Later calls rely on the
    /// pool's reconnects, so a server restart during a deployment is ridden out.
    static let firstContactTimeout: Duration = .seconds(10)

    func ensureSchema() async throws(StoreError) {
        try await withFirstContactTimeout { [self] in
            try await schema.ensure { [self] in try await migrateIfNeeded(apply: schema.migrate) }
        }
    }

    /// Whether the database holds a gantry schema at all, of any version. Readers take a
    /// database without one for a store nothing has deployed to yet, as they take a missing
    /// SQLite file; this never creates anything. A current schema seen here is not read
    /// again before the first query.
    func hasSchema() async throws(StoreError) -> Bool {
        try await withFirstContactTimeout { [self] in
            let version = try await schemaVersion()
            if version == PostgresSchema.latest { await schema.markCurrent() }
            return version > 0
        }
    }

    /// Runs `body`, failing with a clear message when the server gives no answer within
    /// `firstContactTimeout`.
    func withFirstContactTimeout<T: Sendable>(_ body: @escaping @Sendable () async throws -> T) async throws(StoreError) -> T {
        do {
            let target = target
            return try await withThrowingTaskGroup(of: T.self) { group in
                group.addTask { try await body() }
                group.addTask {
                    try await Task.sleep(for: Self.firstContactTimeout)
                    throw StoreError(.unavailable, "no answer from the PostgreSQL state store at \(target) within \(Self.firstContactTimeout)",
                                     hint: "is the server up and reachable from this runner?")
                }
                defer { group.cancelAll() }
                guard let first = try await group.next() else { throw CancellationError() }
                return first
            }
        } catch let error as StoreError {
            throw error
        } catch {
            throw translate(error)
        }
    }

    /// The schema version, without a lock; 0 when the database has no gantry schema yet.
    func schemaVersion() async throws -> Int {
        var exists = false
        for try await found in try await client.query("SELECT to_regclass('gantry_schema') IS NOT NULL", logger: logger).decode(Bool.self) {
            exists = found
        }
        guard exists else { return 0 }
        var version = 0
        for try await value in try await client.query("SELECT COALESCE(MAX(version), 0) FROM gantry_schema", logger: logger).decode(Int.self) {
            version = value
        }
        return version
    }

    /// Applies missing migrations under an advisory lock; refuses a newer schema. The common
    /// case, a schema already current, is one unlocked read: runners starting together do
    /// not queue on the migration lock for nothing.
    func migrateIfNeeded(apply: Bool) async throws {
        let version = try await schemaVersion()
        if version == PostgresSchema.latest { return }
        if version > PostgresSchema.latest { throw tooNew(version) }
        guard apply else {
            throw StoreError(.unavailable, version == 0
                ? "the PostgreSQL state store at \(target) holds no gantry schema yet; this gantry needs version \(PostgresSchema.latest)"
                : "the PostgreSQL state store at \(target) has schema version \(version); this gantry needs \(PostgresSchema.latest)",
                hint: "run 'gantry migrate'; \(schema.noMigrationReason)")
        }
        try await client.withTransaction(logger: logger) { connection in
            try await connection.query("SELECT pg_advisory_xact_lock(\(PostgresSchema.advisoryKey))", logger: logger)
            try await connection.query("CREATE TABLE IF NOT EXISTS gantry_schema (version INTEGER NOT NULL, applied_at TIMESTAMPTZ NOT NULL DEFAULT now())", logger: logger)
            var current = 0
            for try await version in try await connection.query("SELECT COALESCE(MAX(version), 0) FROM gantry_schema", logger: logger).decode(Int.self) {
                current = version
            }
            if current > PostgresSchema.latest { throw tooNew(current) }
            guard current < PostgresSchema.latest else { return }
            for migration in PostgresSchema.migrations where migration.version > current {
                for statement in migration.sql {
                    try await connection.query(PostgresQuery(unsafeSQL: statement), logger: logger)
                }
                try await connection.query("INSERT INTO gantry_schema (version) VALUES (\(migration.version))", logger: logger)
            }
        }
    }

    func tooNew(_ version: Int) -> StoreError {
        StoreError(.tooNew, "the PostgreSQL state store at \(target) has schema version \(version); this gantry knows up to \(PostgresSchema.latest)",
                   hint: "upgrade gantry on this runner; an older binary must not change newer state")
    }

    /// The schema version, and the version this binary brings; migrates first when asked.
    package func migrate() async throws(StoreError) -> (from: Int, to: Int) {
        do {
            let before = try await schemaVersion()
            try await migrateIfNeeded(apply: true)
            return (before, max(before, PostgresSchema.latest))
        } catch let error as StoreError {
            throw error
        } catch {
            throw translate(error)
        }
    }

    func translate(_ error: any Error) -> StoreError {
        var error = error
        if let transaction = error as? PostgresTransactionError {
            error = transaction.closureError ?? transaction.beginError ?? transaction.commitError ?? transaction.rollbackError ?? error
        }
        if let store = error as? StoreError { return store }
        if let psql = error as? PSQLError {
            if let server = psql.serverInfo, let message = server[.message] {
                let state = server[.sqlState] ?? ""
                if state == "28P01" || state == "28000" {
                    return StoreError(.unavailable, "the PostgreSQL state store at \(target) rejected the login: \(message)",
                                      hint: "check the user and the password variable in state:")
                }
                if state == "40001" || state == "40P01" || state == "55P03" {
                    return StoreError(.busy, "the PostgreSQL state store at \(target) is busy: \(message) (SQLSTATE \(state))", hint: "retry")
                }
                return StoreError(.unavailable, "the PostgreSQL state store at \(target): \(message) (SQLSTATE \(state))")
            }
            if let underlying = psql.underlying {
                return StoreError(.unavailable, "cannot reach the PostgreSQL state store at \(target): \(underlying)",
                                  hint: "is the server up and reachable from this runner?")
            }
            return StoreError(.unavailable, "cannot use the PostgreSQL state store at \(target): \(psql.code)",
                              hint: "is the server up and reachable from this runner?")
        }
        if "\(type(of: error))".contains("ConnectionPoolError") {
            return StoreError(.unavailable, "cannot reach the PostgreSQL state store at \(target): connections keep failing",
                              hint: "is the server up and reachable from this runner?")
        }
        return StoreError(.unavailable, "the PostgreSQL state store at \(target): \(error)")
    }
}
