/// `promote_from:`: a release reaches this environment only after it ran, verified, in
/// another one (staging) for a while: its soak. The gate reads the shared store, so it holds
/// across runners on PostgreSQL.
package struct PromotionConfig: Sendable, Hashable {
    /// The environment a release must have been verified in first.
    package var environment: String
    /// How long it must have stayed that environment's current release, with no failed check
    /// or rollback of it there since.
    var soak: Duration

    package init(environment: String, soak: Duration) {
        self.environment = environment
        self.soak = soak
    }
}
