package import Foundation

/// Reads an environment's approvals of a release from the store, has each signature checked,
/// and judges them (`ApprovalGate`): what a deploy, `gantry plan` and `gantry approvals` share.
package struct ApprovalCheck: Sendable {
    let store: any StateStore
    let verifier: any SignatureVerifier

    /// How many stored approvals of one release are read; more is a misuse.
    static let limit = 100

    package init(store: any StateStore, verifier: any SignatureVerifier) {
        self.store = store
        self.verifier = verifier
    }

    /// The verdict for `request`'s environment and release, at `now`.
    package func verdict(_ config: ApprovalsConfig, request: DeploymentRequest, now: Date) async throws(StoreError) -> ApprovalGate.Verdict {
        let deploy = ApprovalGate.Deploy(request, now: now)
        let stored = try await store.approvals(environment: deploy.environment, release: deploy.release, limit: Self.limit)
        return await Self.judge(stored, config: config, deploy: deploy, directory: request.directory, verifier: verifier)
    }

    /// The verdict on approvals already read (`stored`, newest first), each signature checked
    /// by `verifier`; `directory` is where `allowed_signers` is relative to.
    package static func judge(
        _ stored: [Approval], config: ApprovalsConfig, deploy: ApprovalGate.Deploy, directory: String, verifier: any SignatureVerifier
    ) async -> ApprovalGate.Verdict {
        let signers = PathText.join(directory, config.allowedSigners)
        var checked: [(Approval, SignatureCheck)] = []
        for approval in stored {
            checked.append((approval, await verifier.verify(message: approval.statement, signature: approval.signature, allowedSigners: signers)))
        }
        return ApprovalGate.judge(checked, config: config, deploy: deploy)
    }
}

extension ApprovalGate.Deploy {
    /// What `request` is, for the gate: its environment, release, configuration and deployer.
    package init(_ request: DeploymentRequest, now: Date) {
        self.init(
            environment: request.environment.name, release: request.release.value, config: request.configDigest,
            deployer: request.origin.actor, now: now
        )
    }
}
