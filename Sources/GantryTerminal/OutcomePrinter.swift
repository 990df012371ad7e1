import Foundation
package import GantryCore

/// The last words of a deploy: a one-line verdict on the terminal, JSON for machines, and on
/// GitHub Actions an error annotation and a step summary table, both leading with the top
/// finding of `gantry diagnose` (code, summary, next step) when the deploy did not succeed.
package struct OutcomePrinter {
    let console: Console
    let json: Bool

    package init(console: Console, json: Bool) {
        self.console = console
        self.json = json
    }

    package func print(_ summary: DeploymentSummary, exitCode: Int32, finding: Finding? = nil) async {
        let traits = console.traits
        if json {
            JSONOutput.print(DeployResultView(summary, exitCode: exitCode))
        } else {
            let style = Style(enabled: traits.color)
            let verdict: String
            switch summary.outcome {
            case .succeeded: verdict = style.green("succeeded")
            case .skipped: verdict = style.yellow("skipped")
            case .rolledBack: verdict = style.yellow("rolled back")
            case .failed: verdict = style.red("FAILED")
            case .interrupted: verdict = style.red("interrupted")
            case .refused: verdict = style.yellow("refused")
            case .paused: verdict = style.yellow("PAUSED")
            }
            var text = "\(style.bold("\(summary.environment) \(summary.release)")): \(verdict) in \(DurationText.format(summary.duration)) — \(summary.reason)\n"
            text += style.dim("deployment \(summary.id); details: gantry show \(summary.id)") + "\n"
            if summary.outcome == .failed {
                text += style.red("Production needs a person: hosts may run a mix of releases or one that failed its checks. Read 'gantry show \(summary.id)', check the hosts, then fix forward with a new deploy or run 'gantry rollback \(summary.environment)'.") + "\n"
            }
            if summary.outcome == .paused {
                text += style.yellow("The rollout waits, its lease held: 'gantry promote \(summary.environment)' deploys the remaining batches, 'gantry abort \(summary.environment)' rolls back the hosts deployed so far; either can run on any runner. Left undecided past its pause_timeout, the next 'gantry deploy' or 'gantry recover \(summary.environment)' rolls it back.") + "\n"
            }
            if summary.outcome == .rolledBack, let target = summary.rolledBackTo {
                text += style.yellow("\(summary.release) was not kept: production is back on \(target), verified.") + "\n"
            }
            await console.out(text)
        }
        if traits.githubActions {
            if summary.outcome != .succeeded, summary.outcome != .skipped {
                let code = (finding?.code ?? summary.reasonCode).map { " [\($0.rawValue)]" } ?? ""
                let message = finding.map { "\($0.summary). Next: \($0.next). (\(summary.reason))" } ?? summary.reason
                let annotation = GitHubActions.error(message, title: "gantry deploy \(summary.environment) \(summary.release): \(summary.outcome.rawValue)\(code)")
                Console.write(annotation, to: json ? STDERR_FILENO : STDOUT_FILENO)
            }
            if let path = ProcessInfo.processInfo.environment["GITHUB_STEP_SUMMARY"], !path.isEmpty {
                try? GitHubActions.appendSummary(markdown(summary, finding: finding), path: path)
            }
            // The step's outputs (the gantry action forwards them): all single-line values.
            if let path = ProcessInfo.processInfo.environment["GITHUB_OUTPUT"], !path.isEmpty {
                let outputs = "deployment-id=\(summary.id)\noutcome=\(summary.outcome.rawValue)\nreason-code=\(summary.reasonCode?.rawValue ?? "")\nexit-code=\(exitCode)\n"
                try? GitHubOutput.append(outputs, path: path)
            }
        }
    }

    func markdown(_ summary: DeploymentSummary, finding: Finding? = nil) -> String {
        let table = TextTable(
            headers: ["environment", "release", "outcome", "duration", "previous", "deployment"],
            rows: [[
                summary.environment, summary.release, summary.outcome.rawValue, DurationText.format(summary.duration),
                summary.previousRelease ?? "—", "`\(summary.id)`",
            ]]
        )
        var cause = ""
        if let finding {
            cause = "**Likely cause:** `\(finding.code.rawValue)` (confidence \(String(format: "%.2f", finding.confidence)), blame \(finding.blame.rawValue)): \(finding.summary)\n\n"
                + "**Next:** \(finding.next)\n\n**Runbook:** \(finding.runbook) · `gantry diagnose \(summary.id)` for every finding\n\n"
        }
        return "### gantry deploy: \(summary.environment) \(summary.release) \(summary.outcome.rawValue)\n\n"
            + table.markdown() + "\n\(summary.reason)\n\n" + cause
    }
}
