package import GantryCore
import Yams

/// The Prometheus alert rules for Gantry's metrics, generated from the same names the code
/// emits (`MetricName`), so a renamed metric cannot leave a silent rule behind.
///
/// Each alert carries a summary, a description naming the labels that matter, and a
/// `runbook_url` into the runbooks (docs/runbooks.md), one anchor per alert.
package struct AlertRules {
    /// Where the runbooks live; each alert links `<base>#<alert name in lower case>`.
    var runbookBase: String
    /// The scrape job of `gantry serve`, for the exporter-down alert.
    var job: String
    /// Per environment, how long a deployment may run before it counts as stuck.
    package var stuckAfter: [(environment: String, after: Duration)]
    /// How long a lock may be held (deployment or hold by hand) before someone should look.
    var lockHeldFor: Duration = .seconds(2 * 3600)

    package init(runbookBase: String, job: String, stuckAfter: [(environment: String, after: Duration)]) {
        self.runbookBase = runbookBase
        self.job = job
        self.stuckAfter = stuckAfter
    }

    /// The default stuck threshold for an environment: every attempt of the deploy command,
    /// a verification, a rollback and its verification, and five minutes of slack.
    package static func stuckAfter(_ environment: EnvironmentConfig) -> Duration {
        let attempts = max(1, environment.retry.attempts)
        var total = environment.deploy.timeout * attempts + environment.verifyTimeout
        if let rollback = environment.rollback { total += rollback.timeout + environment.verifyTimeout }
        return total + .seconds(300)
    }

    struct File: Encodable {
        var groups: [Group]
    }

    struct Group: Encodable {
        var name: String
        var rules: [Rule]
    }

    struct Rule: Encodable {
        var alert: String
        var expr: String
        var duration: String?
        var labels: Labels
        var annotations: Annotations

        enum CodingKeys: String, CodingKey {
            case alert, expr
            case duration = "for"
            case labels, annotations
        }
    }

    struct Labels: Encodable {
        var severity: String
    }

    struct Annotations: Encodable {
        var summary: String
        var description: String
        var runbookURL: String

        enum CodingKeys: String, CodingKey {
            case summary, description
            case runbookURL = "runbook_url"
        }
    }

    func rule(_ name: String, _ expr: String, for duration: Duration?, severity: String, summary: String, description: String) -> Rule {
        Rule(
            alert: name, expr: expr, duration: duration.map(Self.promDuration), labels: Labels(severity: severity),
            annotations: Annotations(summary: summary, description: description, runbookURL: "\(runbookBase)#\(name.lowercased())")
        )
    }

    /// Whole minutes (or seconds), as PromQL writes durations.
    static func promDuration(_ duration: Duration) -> String {
        let seconds = Int64(duration.seconds.rounded(.up))
        if seconds % 3600 == 0 { return "\(seconds / 3600)h" }
        if seconds % 60 == 0 { return "\(seconds / 60)m" }
        return "\(seconds)s"
    }

    var rules: [Rule] {
        var rules = [
            rule(
                "GantryRunnerDown", "\(MetricName.runnerUp) == 0", for: .seconds(120), severity: "warning",
                summary: "Runner {{ $labels.runner }} is unhealthy",
                description: "Gantry has judged runner {{ $labels.runner }} unhealthy for 2 minutes; deploys fail over to the next runner by priority. `gantry runners` shows each health source's reason."
            ),
            rule(
                "GantryAllRunnersDown", "max without (runner) (\(MetricName.runnerUp)) == 0", for: .seconds(60), severity: "critical",
                summary: "No healthy runner: deploys cannot run",
                description: "Every runner Gantry knows is unhealthy; `gantry select-runner` refuses (exit 3) and no deploy, rollback included, can start from CI."
            ),
            rule(
                "GantryDeploymentFailed",
                // `> 0`: the timestamps are 0 until a deployment with that outcome finished.
                "max by (environment) (\(MetricName.lastDeploymentTimestamp){outcome=\"failed\"} > 0) >= max by (environment) (\(MetricName.lastDeploymentTimestamp){outcome=~\"succeeded|rolled_back|failed\"})",
                for: nil, severity: "critical",
                summary: "Deployment to {{ $labels.environment }} failed and production was not restored",
                description: "The newest deployment of {{ $labels.environment }} ended `failed`: it could not be rolled back to the last good release. Production may run a partly changed release until a person acts. See `gantry history {{ $labels.environment }}`."
            ),
            rule(
                "GantryRollback", "increase(\(MetricName.rollbacksTotal)[30m]) > 0", for: nil, severity: "warning",
                summary: "Rollback ({{ $labels.reason }}) in {{ $labels.environment }}",
                description: "{{ $labels.environment }} was rolled back ({{ $labels.reason }}) in the last 30 minutes; production runs the last good release. Find why in `gantry history {{ $labels.environment }}` and `gantry show ID`."
            ),
            rule(
                "GantryBreakGlass", "increase(\(MetricName.breakGlassTotal)[1h]) > 0", for: nil, severity: "info",
                summary: "A deploy to {{ $labels.environment }} went past its promotion gate or approvals",
                description: "A deployment of {{ $labels.environment }} ended in the last hour that was deployed with `--skip-promotion --reason`: past `promote_from` or `approvals:`. `gantry history {{ $labels.environment }} --json` shows it as `break_glass`, with who and why."
            ),
        ]
        for (environment, after) in stuckAfter {
            rules.append(rule(
                "GantryDeploymentStuck", "\(MetricName.deploymentInProgress){environment=\"\(environment)\"} == 1", for: after, severity: "warning",
                summary: "A deployment to {{ $labels.environment }} has run longer than its timeouts allow",
                description: "A deployment of {{ $labels.environment }} has held its lease for \(Self.promDuration(after)), longer than its deploy, verification and rollback timeouts together. `gantry status {{ $labels.environment }}` names the holder."
            ))
        }
        if stuckAfter.isEmpty {
            rules.append(rule(
                "GantryDeploymentStuck", "\(MetricName.deploymentInProgress) == 1", for: .seconds(3600), severity: "warning",
                summary: "A deployment to {{ $labels.environment }} has run for over an hour",
                description: "A deployment of {{ $labels.environment }} has held its lease for an hour. `gantry status {{ $labels.environment }}` names the holder."
            ))
        }
        rules += [
            rule(
                "GantryLockHeldTooLong", "\(MetricName.lockHeld) == 1", for: lockHeldFor, severity: "warning",
                summary: "The lock of {{ $labels.environment }} has been held for \(Self.promDuration(lockHeldFor))",
                description: "Deploys of {{ $labels.environment }} wait or are refused while its lock is held (by a deployment or by `gantry lock`). `gantry status {{ $labels.environment }}` says who holds it and why."
            ),
            rule(
                "GantryChecksFailing",
                "(\(MetricName.checkUp) == 0) unless on (environment) (\(MetricName.deploymentInProgress) == 1)",
                for: .seconds(300), severity: "warning",
                summary: "Check {{ $labels.check }} of {{ $labels.environment }} is failing",
                description: "Health check {{ $labels.check }} of {{ $labels.environment }} has failed for 5 minutes while no deployment runs: production is unhealthy on its own. `gantry check {{ $labels.environment }}` shows the reason."
            ),
            rule(
                "GantryExporterDown", "up{job=\"\(job)\"} == 0", for: .seconds(120), severity: "warning",
                summary: "gantry serve on {{ $labels.instance }} is down",
                description: "Prometheus cannot scrape `gantry serve` ({{ $labels.instance }}, job \(job)): runner health, check status and deployment metrics are no longer current."
            ),
        ]
        return rules
    }

    /// The rule file, as YAML.
    package func render() -> String {
        let file = File(groups: [Group(name: "gantry", rules: rules)])
        let body = (try? YAMLEncoder().encode(file)) ?? ""
        return "# Prometheus alert rules for gantry, generated by `gantry monitoring alerts`.\n" + body
    }
}
