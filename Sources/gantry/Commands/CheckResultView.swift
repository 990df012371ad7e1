import GantryCore

struct CheckResultView: Encodable {
    var name: String
    var kind: String
    var target: String?
    var passed: Bool
    var outcome: String
    var attempts: Int
    var latencySeconds: Double
    var message: String

    init(_ result: CheckResult) {
        name = result.name
        kind = result.kind
        target = result.target
        passed = result.passed
        outcome = result.outcome.rawValue
        attempts = result.attempts
        latencySeconds = Double(result.latencyMilliseconds) / 1000
        message = result.message
    }
}
