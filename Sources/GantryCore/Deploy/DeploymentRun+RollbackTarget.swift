/// `gantry rollback` without `--to`: where it goes is decided under the lease.
extension DeploymentRun {
    /// Looks for the target again now that the lease is held, so a deployment that finished
    /// between the engine's first look and the lease cannot leave this rollback going to a
    /// release that is no longer "back". Says which release and why.
    mutating func chooseRollbackTarget() async throws(StoreError) {
        switch try await RollbackTarget.find(environment: environment, in: store) {
        case .success(let target):
            if target.release != request.release.value {
                var prepared = PreparedDeployment(request: request, id: id, startedAt: startedAt, invocation: invocation)
                prepared.retarget(to: target.release)
                request = prepared.request
                invocation = prepared.invocation
                machine = DeploymentStateMachine(release: request.release.value, force: request.force, policy: request.policy)
            }
            await engine.observer.observe(.notice("Going back to \(target.release): \(target.why)."))
        case .failure(let missing):
            let note = "going back to \(request.release), found before the lease was taken; under the lease: \(missing)"
            pendingNotes.append(note)
            await engine.observer.observe(.notice("Going back to \(request.release): it was found before the lease was taken; \(missing)."))
        }
    }
}
