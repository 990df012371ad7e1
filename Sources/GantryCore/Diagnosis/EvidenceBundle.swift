package import Foundation

/// The files of `gantry diagnose --bundle`: what a person needs to judge the failure
/// elsewhere, with every secret value masked and nothing read whole from the runner's logs
/// but the lines that matched.
package struct EvidenceBundle {
    let input: DiagnosisInput
    let findings: [Finding]
    let config: GantryConfig
    /// The variables this run sees: their secret values are masked too.
    let processEnvironment: [String: String]

    package init(input: DiagnosisInput, findings: [Finding], config: GantryConfig, processEnvironment: [String: String]) {
        self.input = input
        self.findings = findings
        self.config = config
        self.processEnvironment = processEnvironment
    }

    /// The bundle's files, by name; `EvidenceArchive` writes them.
    package func files() -> [(name: String, data: Data)] {
        let masker = input.masker
        var files: [(name: String, data: Data)] = []
        files.append(("deployment.json", JSONDocument.encode(ShowView(deployment: DeploymentView(input.record), journal: input.journal.map(JournalEntryView.init)))))
        let output = input.journal.filter { $0.event.kind == .output }.map { entry in
            (entry.event.message ?? "").split(separator: "\n", omittingEmptySubsequences: false).map { "[\(Timestamp.format(entry.at)) \(entry.event.step ?? "command")] \($0)" }.joined(separator: "\n")
        }
        files.append(("output.txt", Data(masker.mask(output.joined(separator: "\n") + "\n").utf8)))
        files.append(("checks.json", JSONDocument.encode(input.journal.filter { $0.event.kind == .checkResult }.map(JournalEntryView.init))))
        files.append(("findings.json", JSONDocument.encode(DiagnosisView(deployment: DeploymentView(input.record), findings: findings))))
        files.append(("gantry.yml", Data(configWithoutSecrets().utf8)))
        var runner = "# lines of the runner's _diag logs that matched a signature (masked)\n"
        for finding in findings {
            for evidence in finding.evidence where evidence.source.hasPrefix("runner_log:") || evidence.source == "kernel" {
                runner += "\(finding.code.rawValue)\t\(evidence.source)\t\(evidence.at.map(Timestamp.format) ?? "-")\t\(masker.mask(evidence.line))\n"
            }
        }
        files.append(("runner-evidence.txt", Data(runner.utf8)))
        files.append(("machine.txt", Data(machineText().utf8)))
        return files
    }

    /// Every environment as gantry runs it (`gantry config`), never the file's text: each
    /// masked with its own secrets and this run's, then every value that may be a credential
    /// cut by its place (headers, env, password/token/secret keys, URL passwords), so neither
    /// a block scalar nor a flow mapping nor another environment's literal can slip through.
    func configWithoutSecrets() -> String {
        var environments: [String: Any] = [:]
        for environment in config.environments {
            let own = SecretMasker.forEnvironment(environment, processEnvironment: processEnvironment)
            let masker = SecretMasker(values: own.allValues + input.masker.allValues)
            environments[environment.name] = ResolvedConfig.redacted(ResolvedConfig.tree(environment, in: config, masker: masker))
        }
        return "# the resolved configuration of \(config.file), credentials cut\n" + ResolvedConfig.yaml(["environments": environments])
    }

    func machineText() -> String {
        guard let machine = input.machine else { return "no machine evidence\n" }
        var text = ""
        for space in machine.spaces { text += "space\t\(space.summary)\n" }
        if let available = machine.memoryAvailableBytes, let total = machine.memoryTotalBytes {
            text += "memory\t\(SizeThreshold.format(available)) available of \(SizeThreshold.format(total))\n"
        }
        for (resource, value) in machine.pressure.sorted(by: { $0.key < $1.key }) { text += "pressure\t\(resource) some avg10=\(value)\n" }
        for line in machine.oomLines { text += "kernel\t\(line.at.map(Timestamp.format) ?? "-")\t\(input.masker.mask(line.line))\n" }
        return text
    }
}
