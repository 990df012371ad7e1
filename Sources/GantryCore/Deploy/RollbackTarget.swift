import Foundation

/// Where `gantry rollback ENV` goes without `--to`: the newest release, other than the one
/// live now, that a deployment or rollback verified live (recorded `succeeded`: its checks
/// passed, or it had none). As Helm's `rollback` and Argo Rollouts' `undo` go to the previous
/// revision: an operator reaches for rollback when the live release is bad although its checks
/// passed, so "the last good release" (the live one, then) is exactly the wrong answer.
///
/// Rolling back twice therefore alternates between the two newest releases, as Helm does.
/// One exception: when the newest deployment failed or was interrupted and left the hosts on
/// its release unrestored, the current release (still the last verified one) is where
/// "back" is.
/// A failed deploy's automatic rollback is not this: it returns to the release that was live
/// before the failure (`EnvironmentState.lastGood`).
package struct RollbackTarget: Sendable, Hashable {
    /// The release to go back to.
    package var release: String
    /// The deployment that verified it live.
    var verifiedBy: DeploymentID
    var verifiedAt: Date?
    /// What runs now, which the rollback leaves.
    package var current: String
    /// The newest deployment, when it failed unrestored: the hosts may run its release, and
    /// the rollback goes to `current`.
    package var unrestored: DeploymentRecord?

    /// Why this release, in a sentence for the terminal and the plan.
    package var why: String {
        let when = verifiedAt.map { " at \(Timestamp.format($0))" } ?? ""
        if let unrestored {
            return "deployment \(unrestored.id) of \(unrestored.release) ended \(unrestored.outcome?.rawValue ?? "unfinished") and was not restored, so the hosts may run it; \(release) is the release verified live before it (deployment \(verifiedBy)\(when))"
        }
        return "\(release) is the newest release before \(current) that was verified live (deployment \(verifiedBy)\(when))"
    }

    /// Why there is no target, for exit 2.
    package enum Missing: Error, Sendable, Hashable, CustomStringConvertible {
        /// Nothing was ever verified live in the environment.
        case nothingLive(environment: String)
        /// Only the current release was ever verified live.
        case nothingBefore(environment: String, current: String)

        package var description: String {
            switch self {
            case .nothingLive(let environment):
                return "\(environment) has no release verified live yet: there is nothing to roll back to; name a release with --to RELEASE"
            case .nothingBefore(let environment, let current):
                return "\(environment) has no release verified live before \(current) (its current one) in the history kept (gantry store prune may have deleted older ones): there is nothing to go back to; name a release with --to RELEASE"
            }
        }
    }

    /// The target from the environment's deployments, newest first (a page of them; `nil`
    /// when the page holds none, so the caller reads the next).
    static func choose(current: String, newestFirst deployments: [DeploymentRecord]) -> RollbackTarget? {
        deployments
            .first { $0.outcome == .succeeded && $0.kind != .recover && $0.release != current }
            .map { RollbackTarget(release: $0.release, verifiedBy: $0.id, verifiedAt: $0.finishedAt, current: current, unrestored: nil) }
    }

    /// Reads the environment's history, a page at a time, until it finds the target.
    package static func find(environment: String, in store: any StateStore, pageSize: Int = 200) async throws(StoreError) -> Result<RollbackTarget, Missing> {
        let state = try await store.environmentState(environment)
        guard let current = state.current else { return .failure(.nothingLive(environment: environment)) }
        // The newest deployment that ran failed and left its release on the hosts: back is
        // the current release, which the state still names.
        if let last = try await store.lastEffectiveDeployment(environment: environment, excluding: nil),
           last.outcome == .failed || last.outcome == .interrupted, last.release != current, let verifiedBy = state.currentDeploymentID {
            let verified = try await store.deployment(verifiedBy)
            return .success(RollbackTarget(release: current, verifiedBy: verifiedBy, verifiedAt: verified?.finishedAt, current: last.release, unrestored: last))
        }
        var before: DeploymentID?
        while true {
            let page = try await store.deployments(environment: environment, limit: pageSize, before: before)
            if let target = choose(current: current, newestFirst: page) { return .success(target) }
            guard page.count == pageSize, let last = page.last else { return .failure(.nothingBefore(environment: environment, current: current)) }
            before = last.id
        }
    }
}
