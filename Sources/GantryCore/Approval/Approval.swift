package import Foundation

/// A sign-off as stored: the statement that was signed, byte for byte, and its SSH signature
/// (`ssh-keygen -Y sign`, armored). The store keeps what it is given and decides nothing: only
/// a deploy's check (`ApprovalGate`, after `ssh-keygen -Y verify` against the environment's
/// `allowed_signers`) says whether it counts, so a row written by hand gains nothing.
package struct Approval: Sendable, Hashable, Codable {
    /// The environment and release the statement names, kept beside it so a deploy reads only
    /// its own; the signed statement is what is believed.
    package var environment: String
    package var release: String
    /// `ApprovalStatement.text`: what the signature covers.
    package var statement: String
    /// The armored `-----BEGIN SSH SIGNATURE-----` block.
    package var signature: String
    /// When the store received it (the approver's clock; the signed time is in the statement).
    package var recordedAt: Date

    package init(environment: String, release: String, statement: String, signature: String, recordedAt: Date) {
        self.environment = environment
        self.release = release
        self.statement = statement
        self.signature = signature
        self.recordedAt = recordedAt
    }
}
