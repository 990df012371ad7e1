/// `check --json`.
struct CheckReportView: Encodable {
    var environment: String
    var passed: Bool
    var durationSeconds: Double
    var checks: [CheckResultView]
}
