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
        let deploy = ApprovalGate.Deploy(
            environment: request.environment.name, release: request.release.value, config: request.configDigest,
            deployer: request.origin.actor, now: now
        )
        return try await verdict(config, deploy: deploy, directory: request.directory)
    }

    /// The verdict for `deploy`; `directory` is where `allowed_signers` is relative to.
    package func verdict(_ config: ApprovalsConfig, deploy: ApprovalGate.Deploy, directory: String) async throws(StoreError) -> ApprovalGate.Verdict {
        let stored = try await store.approvals(environment: deploy.environment, release: deploy.release, limit: Self.limit)
        let signers = PathText.join(directory, config.allowedSigners)
        var checked: [(Approval, SignatureCheck)] = []
        for approval in stored {
            checked.append((approval, await verifier.verify(message: approval.statement, signature: approval.signature, allowedSigners: signers)))
        }
        return ApprovalGate.judge(checked, config: config, deploy: deploy)
    }
}
