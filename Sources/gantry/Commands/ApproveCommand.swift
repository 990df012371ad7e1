import ArgumentParser
import Foundation
import GantryCore
import GantryExec
import GantryTerminal

struct ApproveCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "approve",
        abstract: "Sign an approval of a release for an environment that requires them (approvals:).",
        discussion: """
            Signs, with your SSH key (ssh-keygen -Y sign, namespace gantry-approval), a statement naming the environment, the release, \
            the SHA-256 of the configuration file as it is now, the time, and optionally evidence and a comment; checks the signature \
            against the environment's allowed_signers file, and stores it. A deploy checks it again, offline: the approval counts for \
            that release and that configuration file only, until its ttl, and never for a deploy by its own signer.
            """
    )

    @OptionGroup var global: GlobalOptions

    @Argument(help: "The environment, as named in gantry.yml.", completion: .custom(EnvironmentCompletion.complete), transform: { try EnvironmentName.argument($0) })
    var environment: String

    @Option(help: "The release approved.", transform: { try Release.argument($0) })
    var release: Release

    @Option(help: ArgumentHelp("Your SSH private key (or its .pub, for a key in ssh-agent).", valueName: "path"), completion: .file())
    var key: String

    @Option(help: "Why you approve, or what you looked at; signed with the rest.")
    var comment: String?

    @Option(help: ArgumentHelp("A file attached as evidence, such as the staging report: its SHA-256 is signed with the rest.", valueName: "file"), completion: .file())
    var evidence: String?

    @Flag(help: "Print the stored approval as JSON.")
    var json = false

    func run() async throws {
        let context = Context(options: global)
        let config = try context.loadConfig()
        let target = try context.environment(environment, in: config)
        guard let required = target.approvals else {
            throw Failure.usage("\(target.name) requires no approvals (it has no approvals: in \(config.file)); nothing was signed")
        }
        let signers = PathText.join(config.directory, required.allowedSigners)
        guard FileManager.default.isReadableFile(atPath: signers) else {
            throw Failure.usage("cannot read \(required.allowedSigners), the allowed_signers file of \(target.name) (looked at \(signers)); nothing was signed")
        }
        var attached: String?
        if let evidence {
            let path = PathText.join(context.workingDirectory, evidence)
            guard let data = FileManager.default.contents(atPath: path) else { throw Failure.usage("cannot read the evidence \(evidence); nothing was signed") }
            attached = "sha256:\(EvidenceArchive.sha256(data)) \(PathText.base(of: path))"
        }
        let statement = ApprovalStatement(
            environment: target.name, release: release.value, config: config.digest ?? "unknown", signedAt: Date(), evidence: attached, comment: comment
        )
        let ssh = SSHSignatures()
        let keyPath = PathText.join(context.workingDirectory, (key as NSString).expandingTildeInPath)
        let signature: String
        do {
            signature = try await ssh.sign(statement.text, key: keyPath)
        } catch {
            throw Failure.usage("\(error.description); nothing was stored")
        }
        let check = await ssh.verify(message: statement.text, signature: signature, allowedSigners: signers)
        guard case .valid(let principals) = check else {
            let why = if case .invalid(let text) = check { text } else { "" }
            throw Failure.usage("the signature does not verify against \(required.allowedSigners): \(why); add your public key there (principals, then the key, as for git's signed commits), then approve again; nothing was stored")
        }
        let approval = Approval(environment: target.name, release: release.value, statement: statement.text, signature: signature, recordedAt: Date())
        // An approver's gantry may be newer than the runners': it never migrates a shared
        // schema (that is `gantry migrate`'s, run with the runners' version).
        guard let store = try await context.openStore(config: config, create: true, migrate: false) else {
            throw Failure.usage("the state store could not be created")
        }
        do {
            try await store.addApproval(approval)
        } catch {
            throw Failure.store(error)
        }
        var judged = ApprovalGate.Judged(approval: approval)
        judged.statement = statement
        judged.signer = principals.first
        let view = ApprovalView(judged, ttl: required.ttl)
        if json {
            JSONOutput.print(view)
            return
        }
        let until = view.expiresAt.map(Timestamp.format) ?? "its ttl"
        Console.write("approved \(release.value) for \(target.name) as \(principals.first ?? "?"): counts for a deploy by anyone else, with this configuration file, until \(until)\n", to: STDOUT_FILENO)
    }
}
