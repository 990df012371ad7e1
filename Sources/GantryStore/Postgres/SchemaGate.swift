/// Makes sure the schema check (and any migration) runs once per process, and that callers
/// racing on first use all wait for it.
actor SchemaGate {
    let migrate: Bool
    nonisolated let noMigrationReason: String
    private var done = false

    init(migrate: Bool, noMigrationReason: String) {
        self.migrate = migrate
        self.noMigrationReason = noMigrationReason
    }

    func ensure(_ work: @Sendable () async throws -> Void) async throws {
        guard !done else { return }
        try await work()
        done = true
    }

    /// The schema was seen current by other means (`hasSchema`).
    func markCurrent() {
        done = true
    }
}
