import GantryCore
import GantryTerminal

/// The table of check results shared by `check` and `show`.
enum CheckTable {
    /// One result as a line of its own, for output that streams.
    static func line(_ result: CheckResult, style: Style) -> String {
        let verdict = result.passed ? (result.outcome == .noData ? style.yellow("warn") : style.green("pass")) : style.red(result.outcome == .noData ? "no data" : "FAIL")
        let took = DurationText.format(.milliseconds(result.latencyMilliseconds))
        return "\(verdict) \(result.label) (\(result.attempts) tr\(result.attempts == 1 ? "y" : "ies"), \(took)): \(result.message)\n"
    }

    static func make(_ results: [CheckResult], style: Style) -> TextTable {
        TextTable(
            headers: ["CHECK", "TARGET", "RESULT", "TRIES", "TOOK", "DETAIL"],
            rows: results.map { result in
                [
                    result.name, result.target ?? "—",
                    result.passed ? (result.outcome == .noData ? "warn" : "pass") : (result.outcome == .noData ? "no data" : "FAIL"),
                    String(result.attempts), DurationText.format(.milliseconds(result.latencyMilliseconds)), result.message,
                ]
            }
        )
    }
}
