import ArgumentParser
import Foundation
import GantryCore
import GantryExec
import GantryTerminal

struct ApprovalsCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "approvals",
        abstract: "List an environment's signed approvals, and whether each counts and why not.",
        discussion: "Each approval is checked as a deploy would check it, with the configuration file as it is now: signature against allowed_signers, environment, release, configuration, ttl. Whether the deployer signed it is judged at deploy time; --deployer NAME judges it now."
    )

    @OptionGroup var global: GlobalOptions

    @Argument(help: "The environment, as named in gantry.yml.", completion: .custom(EnvironmentCompletion.complete), transform: { try EnvironmentName.argument($0) })
    var environment: String

    @Option(help: "Only the approvals of this release.", transform: { try Release.argument($0) })
    var release: Release?

    @Option(help: ArgumentHelp("Judge as for a deploy by this person (GITHUB_ACTOR or user name): their own approvals do not count.", valueName: "name"))
    var deployer: String?

    @Flag(help: "Print the approvals as JSON.")
    var json = false

    func run() async throws {
        let context = Context(options: global)
        let config = try context.loadConfig()
        let target = try context.environment(environment, in: config)
        guard let required = target.approvals else {
            throw Failure.usage("\(target.name) requires no approvals (it has no approvals: in \(config.file))")
        }
        var stored: [Approval] = []
        if let store = try await context.openStore(config: config, create: false) {
            do {
                stored = try await store.approvals(environment: target.name, release: release?.value, limit: 500)
            } catch {
                throw Failure.store(error)
            }
        }
        // One verdict per release, newest release first (by its newest approval), from the
        // one read above.
        var releases: [String] = release.map { [$0.value] } ?? []
        for approval in stored where !releases.contains(approval.release) { releases.append(approval.release) }
        let verifier = SSHSignatures()
        var views: [ApprovalsView.Release] = []
        for name in releases {
            let deploy = ApprovalGate.Deploy(
                environment: target.name, release: name, config: config.digest, deployer: deployer, now: Date(), judgesDeployer: deployer != nil
            )
            let verdict = await ApprovalCheck.judge(
                stored.filter { $0.release == name }, config: required, deploy: deploy, directory: config.directory, verifier: verifier
            )
            views.append(ApprovalsView.Release(
                release: name, required: required.required, counted: verdict.counted, approved: verdict.refusal == nil,
                approvals: verdict.judged.map { ApprovalView($0, ttl: required.ttl) }
            ))
        }
        if json {
            JSONOutput.print(ApprovalsView(environment: target.name, config: config.digest, releases: views))
            return
        }
        guard !views.isEmpty else {
            Console.write("no approvals for \(target.name) yet; gantry approve \(target.name) --release RELEASE --key KEY signs one\n", to: STDOUT_FILENO)
            return
        }
        let style = Style(enabled: context.console().traits.color)
        var text = ""
        for view in views {
            let state = view.approved ? style.green("approved") : style.red("not approved")
            text += style.bold("\(target.name) \(view.release)") + ": \(state), \(view.counted) of \(view.required) required count\n"
            guard !view.approvals.isEmpty else {
                text += "  none yet; gantry approve \(target.name) --release \(view.release) --key KEY signs one\n"
                continue
            }
            let rows = view.approvals.map { approval in
                [
                    approval.signer ?? "?", approval.signedAt.map(Timestamp.format) ?? "—", approval.expiresAt.map(Timestamp.format) ?? "—",
                    approval.whyNot.map { "no: \($0)" } ?? "yes", approval.comment ?? "",
                ]
            }
            text += TextTable(headers: ["SIGNER", "SIGNED", "EXPIRES", "COUNTS", "COMMENT"], rows: rows).render(style: style)
        }
        Console.write(text, to: STDOUT_FILENO)
    }
}
