/// A likely cause of a deployment's failure: what it is, how sure, whose fault, the lines
/// that show it, where its runbook is and the next safe step.
package struct Finding: Sendable, Hashable, Codable {
    package var code: ReasonCode
    package var summary: String
    /// Between 0 and 1: how strongly the evidence points at this cause.
    package var confidence: Double
    package var blame: ReasonCatalog.Blame
    package var evidence: [Evidence]
    /// The anchor of the code's section in docs/runbooks.md.
    package var runbook: String
    /// The next safe step, usually a command.
    package var next: String
    /// Set on the best finding when the next one scored within a small margin: the one probe
    /// that tells the two apart.
    package var distinguish: String?

    init(code: ReasonCode, summary: String, confidence: Double, evidence: [Evidence], next: String) {
        self.code = code
        self.summary = summary
        self.confidence = min(1, max(0, confidence))
        blame = code.entry.blame
        self.evidence = evidence
        runbook = "docs/runbooks.md#\(code.rawValue)"
        self.next = next
    }
}
