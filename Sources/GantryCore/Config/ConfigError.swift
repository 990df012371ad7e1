/// Every problem of a configuration file at once, so a person fixes them in one pass
/// instead of one run per mistake.
package struct ConfigError: Error, Sendable, CustomStringConvertible {
    package var issues: [ConfigIssue]

    init(issues: [ConfigIssue]) {
        self.issues = issues
    }

    package var description: String {
        let noun = issues.count == 1 ? "error" : "errors"
        return "configuration has \(issues.count) \(noun):\n" + issues.map { "  \($0)" }.joined(separator: "\n")
    }
}
