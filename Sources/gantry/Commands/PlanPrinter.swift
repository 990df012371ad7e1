import Foundation
import GantryCore
import GantryExec
import GantryTerminal

/// Prints a plan; shared by `plan` and `deploy --dry-run`.
enum PlanPrinter {
    static func printPlan(request: DeploymentRequest, config: GantryConfig, context: Context, json: Bool, rollbackTarget: RollbackTarget? = nil) async throws {
        var state = EnvironmentState(name: request.environment.name)
        var last: DeploymentRecord?
        var lease: Lease?
        var promotionSource: [DeploymentRecord] = []
        var approvals: ApprovalGate.Verdict?
        var storeNow: Date?
        if let store = try await context.openStore(config: config, create: false) {
            do {
                state = try await store.environmentState(request.environment.name)
                last = try await store.lastEffectiveDeployment(environment: request.environment.name, excluding: nil)
                lease = try await store.lease(environment: request.environment.name)
                if request.kind == .deploy, let source = request.environment.promoteFrom?.environment {
                    promotionSource = try await store.deployments(environment: source, limit: 1000)
                    storeNow = try await store.now()
                }
                if request.kind == .deploy, let required = request.environment.approvals {
                    approvals = try await ApprovalCheck(store: store, verifier: SSHSignatures()).verdict(required, request: request, now: Date())
                }
            } catch {
                throw Failure.store(error)
            }
        }
        if approvals == nil, request.kind == .deploy, let required = request.environment.approvals {
            // No store yet: no approvals either.
            approvals = ApprovalGate.judge([], config: required, deploy: ApprovalGate.Deploy(request, now: Date()))
        }
        let plan: DeploymentPlan
        do {
            plan = try DeploymentPlanner.plan(
                request, state: state, lastDeployment: last, lease: lease, now: Date(), rollbackTarget: rollbackTarget, promotionSource: promotionSource,
                approvals: approvals, storeNow: storeNow
            )
        } catch {
            throw Failure.usage(error.description)
        }
        if json {
            JSONOutput.print(plan)
            return
        }
        let style = Style(enabled: context.console().traits.color)
        let verb = request.kind == .rollback ? "roll \(plan.environment) back to \(plan.release)" : "deploy \(plan.release) to \(plan.environment)"
        var text = style.bold("Plan: \(verb)") + style.dim("  (dry run: nothing runs, nothing changes)") + "\n"
        for (index, item) in plan.items.enumerated() {
            text += "  \(index + 1). \(item.step.rawValue.padding(toLength: 8)) \(item.action)\n"
            if let command = item.command {
                text += "     \(style.cyan("$")) \(command.map(shellDisplay).joined(separator: " "))"
                if let timeout = item.timeout { text += style.dim("   (timeout \(timeout))") }
                text += "\n"
            }
        }
        Console.write(text, to: STDOUT_FILENO)
    }

    /// An argument as a person would type it, quoted only when needed.
    static func shellDisplay(_ argument: String) -> String {
        let safe = argument.unicodeScalars.allSatisfy {
            ("a"..."z").contains($0) || ("A"..."Z").contains($0) || ("0"..."9").contains($0) || "-_./=:,+@%".unicodeScalars.contains($0)
        }
        return safe && !argument.isEmpty ? argument : CommandResolver.shellQuote(argument)
    }
}
