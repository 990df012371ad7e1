public import Foundation

/// One line that supports a finding: where it was read, when, and the line itself (masked).
public struct Evidence: Sendable, Hashable, Codable {
    /// `journal`, `output`, `runner_log:Runner_20261201-101500-utc.log`, `kernel`, `machine`, `store`.
    public var source: String
    public var at: Date?
    public var line: String

    public init(source: String, at: Date?, line: String) {
        self.source = source
        self.at = at
        self.line = line
    }
}

/// A likely cause of a deployment's failure: what it is, how sure, whose fault, the lines
/// that show it, where its runbook is and the next safe step.
public struct Finding: Sendable, Hashable, Codable {
    public var code: ReasonCode
    public var summary: String
    /// Between 0 and 1: how strongly the evidence points at this cause.
    public var confidence: Double
    public var blame: ReasonCatalog.Blame
    public var evidence: [Evidence]
    /// The anchor of the code's section in docs/runbooks.md.
    public var runbook: String
    /// The next safe step, usually a command.
    public var next: String
    /// Set on the best finding when the next one scored within a small margin: the one probe
    /// that tells the two apart.
    public var distinguish: String?

    public init(code: ReasonCode, summary: String, confidence: Double, evidence: [Evidence], next: String) {
        self.code = code
        self.summary = summary
        self.confidence = min(1, max(0, confidence))
        blame = code.entry.blame
        self.evidence = evidence
        runbook = "docs/runbooks.md#\(code.rawValue)"
        self.next = next
    }
}
