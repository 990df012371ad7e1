package import Foundation

/// The rule of `approvals:`, as a value: which stored approvals count for this deploy, and
/// whether enough do. An approval counts when its signature verifies against the
/// environment's allowed signers, it names this environment, this release and this
/// configuration, it is younger than its `ttl`, and its signer is not the deployer (four
/// eyes). Each signer counts once. What does not count is listed with why, in the refusal
/// (`not_approved`) and in `gantry approvals`.
package enum ApprovalGate {
    /// How far in the future a signed time may lie (the approver's clock against this one).
    static let clockTolerance: TimeInterval = 300

    /// What the deploy knows of itself: where, what, with which configuration, by whom.
    package struct Deploy: Sendable, Hashable {
        package var environment: String
        package var release: String
        /// `sha256:<hex>` of the configuration file this deploy read.
        package var config: String?
        /// `GITHUB_ACTOR` on Actions, else the user: who the four-eyes rule compares signers to.
        package var deployer: String?
        package var now: Date
        /// False for a listing that names no deployer (`gantry approvals` without
        /// `--deployer`): the four-eyes rule is left to the deploy.
        var judgesDeployer = true

        package init(environment: String, release: String, config: String?, deployer: String?, now: Date, judgesDeployer: Bool = true) {
            self.judgesDeployer = judgesDeployer
            self.environment = environment
            self.release = release
            self.config = config
            self.deployer = deployer
            self.now = now
        }
    }

    /// One approval as judged.
    package struct Judged: Sendable, Hashable {
        package var approval: Approval
        /// The statement, when it could be read.
        package var statement: ApprovalStatement?
        /// The signer's first principal in `allowed_signers`, when the signature verified.
        package var signer: String?
        /// Why it does not count; nil when it does.
        package var void: String?

        package var counts: Bool { void == nil }

        package init(approval: Approval, statement: ApprovalStatement? = nil, signer: String? = nil, void: String? = nil) {
            self.approval = approval
            self.statement = statement
            self.signer = signer
            self.void = void
        }

        /// `alice (signed 2026-12-07T11:00:00.000Z)`, or what is known of an unverified one.
        package var who: String {
            let at = statement.map { "signed \(Timestamp.format($0.signedAt))" } ?? "recorded \(Timestamp.format(approval.recordedAt))"
            return signer.map { "\($0) (\(at))" } ?? "an approval recorded \(Timestamp.format(approval.recordedAt))"
        }
    }

    /// The gate's answer: each approval judged, and the refusal when too few count.
    package struct Verdict: Sendable, Hashable {
        package var judged: [Judged]
        package var required: Int
        package var refusal: Refusal?

        package var counted: Int { judged.filter(\.counts).count }
    }

    /// `checked`: the stored approvals naming this environment and release, newest first,
    /// each with its signature's check.
    package static func judge(_ checked: [(Approval, SignatureCheck)], config: ApprovalsConfig, deploy: Deploy) -> Verdict {
        // Every principal of a signer whose approval counts: a person listed under several
        // names counts once, whichever name their key's line gives first.
        var signers: Set<String> = []
        var judged: [Judged] = []
        // Oldest first, so a signer's first valid approval is the one that counts.
        for (approval, check) in checked.reversed() {
            var entry = Judged(approval: approval)
            entry.statement = try? ApprovalStatement.parse(approval.statement)
            var principals: [String] = []
            if case .valid(let named) = check {
                principals = named
                entry.signer = named.first
            }
            entry.void = void(entry, check: check, config: config, deploy: deploy, counted: signers)
            if entry.counts { signers.formUnion(principals.map { $0.lowercased() }) }
            judged.append(entry)
        }
        judged.reverse()
        let counted = judged.filter(\.counts)
        guard counted.count < config.required else { return Verdict(judged: judged, required: config.required, refusal: nil) }
        let name = "\(deploy.release) needs \(config.required) approval\(config.required == 1 ? "" : "s") for \(deploy.environment)"
        guard !judged.isEmpty else {
            return Verdict(judged: judged, required: config.required, refusal: Refusal(
                .notApproved, "\(name) and has none; 'gantry approve \(deploy.environment) --release \(deploy.release) --key KEY' signs one"
            ))
        }
        let listed = judged.map { entry in entry.void.map { "\(entry.who) does not count: \($0)" } ?? "\(entry.who) counts" }
        return Verdict(judged: judged, required: config.required, refusal: Refusal(
            .notApproved, "\(name), \(counted.count) count\(counted.count == 1 ? "s" : ""): " + listed.joined(separator: "; ")
        ))
    }

    private static func void(_ entry: Judged, check: SignatureCheck, config: ApprovalsConfig, deploy: Deploy, counted: Set<String>) -> String? {
        if case .invalid(let why) = check { return "its signature does not verify against \(config.allowedSigners): \(why)" }
        guard case .valid(let principals) = check, !principals.isEmpty else { return "its signature names no principal in \(config.allowedSigners)" }
        // A pattern (`*`, `*@corp`, `!x`) matches many people: it cannot say who approved,
        // nor tell the approver from the deployer.
        if let pattern = principals.first(where: { $0.contains(where: { "*?!,".contains($0) }) }) {
            return "its key's line in \(config.allowedSigners) names a pattern (\(pattern)), not a person"
        }
        let statement: ApprovalStatement
        do {
            statement = try ApprovalStatement.parse(entry.approval.statement)
        } catch {
            return "its statement is unreadable: \(error.why)"
        }
        if statement.environment != deploy.environment { return "it approves environment \(statement.environment)" }
        if statement.release != deploy.release { return "it approves release \(statement.release)" }
        if statement.config != deploy.config {
            return "it was signed for another configuration (\(short(statement.config)), this deploy's is \(deploy.config.map(short) ?? "unknown")): the file changed since"
        }
        if statement.signedAt.timeIntervalSince(deploy.now) > clockTolerance {
            return "it is dated in the future (\(Timestamp.format(statement.signedAt)))"
        }
        let expiry = statement.signedAt.addingTimeInterval(config.ttl.seconds)
        if expiry < deploy.now { return "it expired at \(Timestamp.format(expiry)) (ttl \(DurationText.canonical(config.ttl)))" }
        if deploy.judgesDeployer {
            guard let deployer = deploy.deployer, !deployer.isEmpty else {
                return "this deploy's deployer is unknown (neither GITHUB_ACTOR nor USER is set), so no approval can be told apart from their own"
            }
            if principals.contains(where: { $0.caseInsensitiveCompare(deployer) == .orderedSame }) {
                return "\(deployer) is this deploy's deployer, who may not approve their own deploy"
            }
        }
        if principals.contains(where: { counted.contains($0.lowercased()) }) { return "another approval by \(entry.signer ?? principals[0]) counts already" }
        return nil
    }

    /// `sha256:1a2b3c4d…`: enough of a digest to tell two apart.
    private static func short(_ digest: String) -> String {
        digest.count > 19 ? String(digest.prefix(19)) + "…" : digest
    }
}
