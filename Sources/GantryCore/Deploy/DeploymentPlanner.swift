package import Foundation

/// Builds a `DeploymentPlan` from the configuration and what the store says now.
package enum DeploymentPlanner {
    /// The deployment id placeholder used in plans; the real id is made when a deploy starts.
    static let planID = DeploymentID(rawValue: "<deployment-id>")

    package static func plan(
        _ request: DeploymentRequest, state: EnvironmentState, lastDeployment: DeploymentRecord?, lease: Lease?, now: Date,
        rollbackTarget: RollbackTarget? = nil, promotionSource: [DeploymentRecord] = [], approvals: ApprovalGate.Verdict? = nil,
        storeNow: Date? = nil
    ) throws(UnsetCommandVariable) -> DeploymentPlan {
        let invocation = try request.resolvedInvocation(for: planID)
        var items: [DeploymentPlan.Item] = []
        let name = request.environment.name
        if let lease, lease.isLive(at: now) {
            items.append(.init(step: .lock, action: "wait: \(name) is locked by \(lease.owner.summary); this deploy would be refused"))
        } else {
            items.append(.init(step: .lock, action: "take the \(name) lease (free now)"))
        }
        if request.kind == .deploy, let promotion = request.environment.promoteFrom {
            // `promotionSource`: the deployments of `promotion.environment`, newest first.
            // On the store's clock where it has one (`StateStore.now`), as the deploy judges it.
            let gate = PromotionGate.refusal(release: request.release.value, config: promotion, source: promotionSource, now: storeNow ?? now)
            items.append(.init(step: .lock, action: promotionAction(gate, promotion: promotion, release: request.release.value, skipped: request.skipPromotion != nil)))
        }
        if request.kind == .deploy, let approvals {
            items.append(.init(step: .lock, action: approvalsAction(approvals, skipped: request.skipPromotion != nil)))
        }
        if let rollbackTarget {
            items.append(.init(step: .decide, action: "go back from \(rollbackTarget.current) to \(rollbackTarget.release): \(rollbackTarget.why)"))
        }
        var machine = DeploymentStateMachine(release: request.release.value, force: request.force)
        _ = machine.handle(.lockAcquired)
        let decision = machine.handle(.stateRead(state, lastDeployment: lastDeployment))
        if case .finish(.skipped, let reason, _) = decision {
            items.append(.init(step: .decide, action: "skip: \(reason.text)"))
            return DeploymentPlan(environment: name, release: request.release.value, wouldSkip: true, items: items)
        }
        let current = state.current.map { "\(name) runs \($0)" } ?? "\(name) has no current release"
        items.append(.init(step: .decide, action: "deploy: \(current)\(request.force ? "; --force given" : "")"))
        let deploy = request.kind == .rollback ? (request.environment.rollback ?? request.environment.deploy) : request.environment.deploy
        items.append(.init(
            step: .deploy,
            action: "run the \(request.kind == .rollback ? "rollback" : "deploy") command in \(request.directory)\(deploy.shell ? " through /bin/sh" : ""); on timeout SIGTERM the process group, wait \(DurationText.canonical(deploy.grace)), then SIGKILL",
            command: invocation.display, timeout: DurationText.canonical(deploy.timeout)
        ))
        if request.environment.retry.attempts > 1 {
            let retry = request.environment.retry
            items[items.count - 1].action += "; up to \(retry.attempts) attempts, retrying on \(retry.retryOn.map(\.description).joined(separator: ", "))"
        }
        let batches = request.batches
        if batches.count > 1 {
            let bake = request.environment.rollout?.bake ?? .zero
            let pauses = request.pauseSteps
            let listed = batches.enumerated().map { offset, hosts in
                let names = hosts.prefix(5).map(\.name).joined(separator: ", ") + (hosts.count > 5 ? ", … (\(hosts.count) hosts)" : "")
                let step: String = switch pauses[offset + 1] {
                case .untilPromoted?: ", then a pause until gantry promote"
                case .timed(let duration)?: ", then a pause of \(DurationText.canonical(duration))"
                case nil: ""
                }
                return "batch \(offset + 1)\(offset == 0 ? " (the canary)" : ""): \(names)\(offset + 1 < batches.count ? step : "")"
            }
            let baking = bake > .zero ? ", baking \(DurationText.canonical(bake)) and checking again before the next" : " before the next"
            items[items.count - 1].action += "; in \(batches.count) batches, {targets} and GANTRY_TARGETS naming one batch at a time, each checked (host checks for the hosts deployed so far)\(baking): \(listed.joined(separator: "; ")); a failed batch rolls back only the hosts deployed so far"
        }
        let planned = CheckRunner.plan(request.environment.checks, targets: request.targets)
        let checkNames = planned.map { item in item.target.map { "\(item.check.name)@\($0.name)" } ?? item.check.name }
        items.append(.init(
            step: .verify,
            action: planned.isEmpty
                ? "no checks are configured: nothing will be verified"
                : "run \(planned.count) check\(planned.count == 1 ? "" : "s") (\(checkNames.joined(separator: ", "))) within \(DurationText.canonical(request.environment.verifyTimeout))"
        ))
        items.append(.init(step: .promote, action: "if all pass: record \(request.release) as the current and last good release of \(name)"))
        if request.kind == .deploy {
            if request.environment.rollback != nil, let lastGood = state.lastGood {
                let rollback: CommandInvocation
                do {
                    rollback = try request.rollbackInvocation(to: lastGood, for: planID)
                } catch {
                    throw UnsetCommandVariable(missing: error, command: "rollback", environment: name)
                }
                items.append(.init(
                    step: .rollback, action: "otherwise: roll back to \(lastGood) (the last good release) and verify it",
                    command: rollback.display, timeout: DurationText.canonical(request.environment.rollback!.timeout)
                ))
            } else {
                let why = request.environment.rollback == nil ? "no rollback command is configured" : "there is no last good release yet"
                items.append(.init(step: .rollback, action: "otherwise: no automatic rollback (\(why)); the deploy would end failed"))
            }
        }
        return DeploymentPlan(environment: name, release: request.release.value, wouldSkip: false, items: items)
    }

    /// What `approvals:` says of this release, in a plan.
    static func approvalsAction(_ verdict: ApprovalGate.Verdict, skipped: Bool) -> String {
        guard let refusal = verdict.refusal else {
            let signers = verdict.judged.filter(\.counts).compactMap(\.signer)
            return "approvals: \(verdict.counted) of \(verdict.required) required count (\(signers.joined(separator: ", ")))"
        }
        if skipped { return "approvals: too few (\(refusal.text)); skipped with --skip-promotion, recorded in the journal" }
        return "approvals: refused: \(refusal.text); this deploy would be refused (exit 3, not_approved); --skip-promotion --reason TEXT deploys anyway"
    }

    /// What `promote_from`'s gate says of this release, in a plan.
    static func promotionAction(_ gate: Refusal?, promotion: PromotionConfig, release: String, skipped: Bool) -> String {
        guard let gate else {
            return "promotion: \(release) was verified in \(promotion.environment) and soaked \(DurationText.canonical(promotion.soak)) there"
        }
        if skipped { return "promotion: the gate refuses (\(gate.text)); skipped with --skip-promotion, recorded in the journal" }
        return "promotion: refused: \(gate.text); this deploy would be refused (exit 3, not_promoted); --skip-promotion --reason TEXT deploys anyway"
    }
}
