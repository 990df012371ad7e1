/// `approvals:`: a release reaches this environment only with signed sign-offs from people
/// other than its deployer. Signatures are OpenSSH's (`ssh-keygen -Y`), checked against an
/// `allowed_signers` file, the format git uses for signed commits, so teams reuse the keys
/// and the file they already keep; a deploy checks them offline, trusting no server.
package struct ApprovalsConfig: Sendable, Hashable {
    /// How many people other than the deployer must have approved.
    package var required: Int
    /// The `allowed_signers` file as written, relative to the configuration's directory.
    package var allowedSigners: String
    /// How long an approval counts after it was signed.
    package var ttl: Duration

    package static let defaultTTL: Duration = .seconds(24 * 3600)

    package init(required: Int, allowedSigners: String, ttl: Duration = defaultTTL) {
        self.required = required
        self.allowedSigners = allowedSigners
        self.ttl = ttl
    }
}
