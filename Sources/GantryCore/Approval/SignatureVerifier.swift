/// What checks an approval's SSH signature: `ssh-keygen -Y find-principals` and `-Y verify`
/// in production (`SSHSignatures` in GantryExec). The rules of what counts stay in the core
/// (`ApprovalGate`); this only says whose valid signature it is, or why it is not one.
package protocol SignatureVerifier: Sendable {
    /// Checks `signature` over `message`, in `ApprovalStatement.namespace`, against the
    /// `allowed_signers` file at `allowedSigners` (an absolute path).
    func verify(message: String, signature: String, allowedSigners: String) async -> SignatureCheck
}

/// A signature's check: valid for the principals the allowed signers file lists for its key,
/// or not, and why.
package enum SignatureCheck: Sendable, Hashable {
    case valid(principals: [String])
    case invalid(String)
}

/// A verifier for engines that are never given approvals to check: every signature fails,
/// saying so, so a configuration with `approvals:` refuses rather than passes.
package struct NoSignatureVerifier: SignatureVerifier {
    init() {}

    package func verify(message: String, signature: String, allowedSigners: String) async -> SignatureCheck {
        .invalid("no signature verifier is configured in this process")
    }
}
