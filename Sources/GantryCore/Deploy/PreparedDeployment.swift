package import Foundation

/// A request whose command was resolved for its deployment ID before anything was opened.
///
/// A `${VAR}` the command needs and nobody set is bad input: it is found here, once, so that a
/// deploy, a rollback and a plan stop on it before a store is created, a lease taken or a
/// record written. The engine runs only prepared deployments.
package struct PreparedDeployment: Sendable {
    package var request: DeploymentRequest
    package let id: DeploymentID
    package let startedAt: Date
    /// The deployment's command for every target; a rollout narrows it per batch.
    var invocation: CommandInvocation
}

extension PreparedDeployment {
    /// Points a rollback at `release` (found in the store, so valid), its command resolved
    /// again for it.
    mutating func retarget(to release: String) {
        guard let chosen = try? Release(release) else { return }
        request.release = chosen
        // The stand-in resolved with the same variables, so this cannot fail.
        if let resolved = try? request.resolvedInvocation(for: id) { invocation = resolved }
    }
}

extension DeploymentRequest {
    /// Resolves the command for a deployment that starts at `startedAt` (or, carrying on a
    /// paused rollout, for that deployment), failing on a `${VAR}` that is not set.
    package func prepare(at startedAt: Date, random: UInt32) throws(UnsetCommandVariable) -> PreparedDeployment {
        let start = resume?.deployment.startedAt ?? startedAt
        let id = resume?.deployment.id ?? DeploymentID.make(at: start, random: random)
        return PreparedDeployment(request: self, id: id, startedAt: start, invocation: try resolvedInvocation(for: id))
    }

    /// The command of deployment `id`, or why it cannot be resolved, in words every caller
    /// shares.
    func resolvedInvocation(for id: DeploymentID) throws(UnsetCommandVariable) -> CommandInvocation {
        do {
            return try deployInvocation(for: id)
        } catch {
            throw UnsetCommandVariable(missing: error, command: kind == .rollback ? "rollback" : "deploy", environment: environment.name)
        }
    }
}
