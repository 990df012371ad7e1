import Foundation
import GantryCore
import GantryTerminal

/// The terminal form of a diagnosis.
enum DiagnosisText {
    static func render(record: DeploymentRecord, findings: [Finding], style: Style) -> String {
        var text = style.bold("deployment \(record.id)") + ": \(record.environment) \(record.release) \(record.outcome?.rawValue ?? "unfinished")"
        if let code = record.reasonCode { text += " [\(code.rawValue)]" }
        text += "\n"
        if let reason = record.reason { text += "  \(reason)\n" }
        guard !findings.isEmpty else { return text + "  nothing to diagnose: it succeeded\n" }
        for (index, finding) in findings.enumerated() {
            text += "\n\(index + 1). " + style.bold(finding.code.rawValue) + String(format: "  confidence %.2f, blame %@", finding.confidence, finding.blame.rawValue) + "\n"
            text += "   \(finding.summary)\n"
            for evidence in finding.evidence {
                let at = evidence.at.map { Timestamp.format($0) + " " } ?? ""
                text += "   · \(evidence.source) \(at)\(evidence.line)\n"
            }
            text += "   next: \(finding.next)\n"
            text += "   runbook: \(finding.runbook)\n"
            if let distinguish = finding.distinguish { text += "   close call: \(distinguish)\n" }
        }
        return text
    }
}
