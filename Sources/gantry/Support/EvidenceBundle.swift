import Foundation
import GantryCore
import GantryExec

/// The files of `gantry diagnose --bundle`: what a person needs to judge the failure
/// elsewhere, with every secret value masked and nothing read whole from the runner's logs
/// but the lines that matched.
struct EvidenceBundle {
    let input: DiagnosisInput
    let findings: [Finding]
    let config: GantryConfig
    let context: Context

    func files() -> [(name: String, data: Data)] {
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

    func write(to path: String) async throws(EvidenceArchive.Failure) {
        try await EvidenceArchive.write(files(), to: path)
    }

    /// The config file as written, with every secret value the run knows masked and the
    /// value of any key that names a secret (`token`, `password`, `secret`) cut.
    func configWithoutSecrets() -> String {
        let path = PathText.join(context.workingDirectory, config.file)
        let text = (try? String(contentsOfFile: path, encoding: .utf8)) ?? "# \(config.file) could not be read\n"
        let masked = input.masker.mask(text)
        return masked.split(separator: "\n", omittingEmptySubsequences: false).map { line -> String in
            guard let colon = line.firstIndex(of: ":") else { return String(line) }
            let key = line[..<colon].lowercased()
            let value = line[line.index(after: colon)...].trimmingCharacters(in: .whitespaces)
            let secretKey = ["password", "token", "secret", "passwd"].contains { key.contains($0) } && !key.hasSuffix("_env") && !key.contains("token_env")
            guard secretKey, !value.isEmpty, !value.hasPrefix("${") else { return String(line) }
            return "\(line[...colon]) \(SecretMasker.mask)"
        }.joined(separator: "\n")
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
