import ArgumentParser
import Foundation
import GantryCore
import GantryExec
import GantryProbes
import GantryTerminal

/// `gantry diagnose [ID | ENV]`: why a deployment failed, how sure, whose fault and what
/// now, from its journal, its command output, the runner's logs, the machine and the store.
struct DiagnoseCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "diagnose",
        abstract: "Explain why a deployment did not succeed: ranked causes, evidence, blame and the next safe step.",
        discussion: """
            Given an environment, diagnoses its newest deployment that did not succeed; given \
            nothing, the newest of any environment. Reads the journal and the command output \
            (Ansible's failed tasks, unreachable hosts and recap), the GitHub Actions runner's \
            _diag logs (runners[].diag in gantry.yml, or --runner-logs), the machine (OOM \
            kills, free space and inodes, memory, pressure) and the store (lease, queue, latest \
            verdicts). Exit 0 once the diagnosis is printed, also when it found nothing; \
            2 for bad input.
            """
    )

    @OptionGroup var global: GlobalOptions

    @Argument(help: ArgumentHelp("A deployment id, or an environment.", valueName: "id-or-environment"), completion: .custom(EnvironmentCompletion.complete))
    var target: String?

    @Option(help: ArgumentHelp("The runner's _diag directory (Runner_*.log, Worker_*.log).", valueName: "dir"))
    var runnerLogs: String?

    @Option(help: ArgumentHelp("Read the logs of this runner of gantry.yml (its diag:) instead of the deployment's own runner.", valueName: "name"))
    var runner: String?

    @Option(help: ArgumentHelp("Also write an evidence bundle (.tar.gz): journal, masked output, config without secrets, checks, runner and machine evidence, with SHA-256 sums.", valueName: "file"))
    var bundle: String?

    @Flag(help: "Print { deployment, findings } as JSON.")
    var json = false

    func run() async throws {
        let context = Context(options: global)
        let config = try context.loadConfig(checkDeferred: false)
        if let runner, !config.runners.contains(where: { $0.name == runner }) {
            throw Failure.usage(RunnerIdentity.Unknown(name: runner, via: "--runner", known: config.runners.map(\.name)).description)
        }
        guard let store = try await context.openStore(config: config, create: false) else {
            throw Failure.usage("nothing to diagnose: nothing has been deployed with this state store yet")
        }
        let gathering = try context.diagnosisGathering(config: config, store: store)
        let record: DeploymentRecord
        let input: DiagnosisInput
        do {
            record = try await gathering.deployment(target)
            input = try await gathering.input(for: record, runnerLogs: runnerLogs, runner: runner)
        } catch let nothing as NothingToDiagnose {
            let scope = nothing.scope.map { "of \($0) " } ?? ""
            if json {
                JSONOutput.print(DiagnosisView(deployment: nil, findings: []))
            } else {
                Console.write("no deployment \(scope)has failed: nothing to diagnose\n", to: STDOUT_FILENO)
            }
            return
        } catch let error as StoreError {
            throw Failure.store(error)
        } catch let bad as DiagnosisGathering.BadInput {
            throw Failure.usage(bad.description)
        }
        let findings = Diagnoser.diagnose(input)
        if let bundle {
            let path = PathText.join(context.workingDirectory, bundle)
            do {
                try await EvidenceArchive.write(EvidenceBundle(input: input, findings: findings, config: config, processEnvironment: context.environment).files(), to: path)
            } catch {
                throw Failure.usage(error.description)
            }
            Console.write("gantry: evidence bundle written to \(path)\n", to: STDERR_FILENO)
        }
        if json {
            JSONOutput.print(DiagnosisView(deployment: DeploymentView(record), findings: findings))
            return
        }
        let style = Style(enabled: context.console().traits.color)
        Console.write(DiagnosisText.render(record: record, findings: findings, style: style), to: STDOUT_FILENO)
    }
}
