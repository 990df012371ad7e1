package import Foundation

/// Where `gantry rollback ENV` goes without `--to`: the newest release, other than the one
/// live now, that a deployment or rollback verified live (recorded `succeeded`: its checks
/// passed, or it had none). As Helm's `rollback` and Argo Rollouts' `undo` go to the previous
/// revision: an operator reaches for rollback when the live release is bad although its checks
/// passed, so "the last good release" (the live one, then) is exactly the wrong answer.
///
/// Rolling back twice therefore alternates between the two newest releases, as Helm does.
/// A failed deploy's automatic rollback is not this: it returns to the release that was live
/// before the failure (`EnvironmentState.lastGood`).
package struct RollbackTarget: Sendable, Hashable {
    /// The release to go back to.
    package var release: String
    /// The deployment that verified it live.
    package var verifiedBy: DeploymentID
    package var verifiedAt: Date?
    /// What runs now, which the rollback leaves.
    package var current: String

    /// Why this release, in a sentence for the terminal and the plan.
    package var why: String {
        let when = verifiedAt.map { " at \(Timestamp.format($0))" } ?? ""
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
                return "\(environment) has no release verified live before \(current) (its current one): there is nothing to go back to; name a release with --to RELEASE"
            }
        }
    }

    /// The target from the environment's deployments, newest first (a page of them; `nil`
    /// when the page holds none, so the caller reads the next).
    package static func choose(current: String, newestFirst deployments: [DeploymentRecord]) -> RollbackTarget? {
        deployments
            .first { $0.outcome == .succeeded && $0.kind != .recover && $0.release != current }
            .map { RollbackTarget(release: $0.release, verifiedBy: $0.id, verifiedAt: $0.finishedAt, current: current) }
    }

    /// Reads the environment's history, a page at a time, until it finds the target.
    package static func find(environment: String, in store: any StateStore, pageSize: Int = 200) async throws(StoreError) -> Result<RollbackTarget, Missing> {
        guard let current = try await store.environmentState(environment).current else { return .failure(.nothingLive(environment: environment)) }
        var before: DeploymentID?
        while true {
            let page = try await store.deployments(environment: environment, limit: pageSize, before: before)
            if let target = choose(current: current, newestFirst: page) { return .success(target) }
            guard page.count == pageSize, let last = page.last else { return .failure(.nothingBefore(environment: environment, current: current)) }
            before = last.id
        }
    }
}
