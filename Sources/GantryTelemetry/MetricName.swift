/// The metric names of docs/reference.md (Metrics), in one place, so the code that emits
/// them, the dashboard and the alert rules can never disagree on a name.
package enum MetricName {
    package static let deploymentsTotal = "gantry_deployments_total"
    package static let deploymentDuration = "gantry_deployment_duration_seconds"
    package static let deploymentInProgress = "gantry_deployment_in_progress"
    package static let lastDeploymentTimestamp = "gantry_last_deployment_timestamp_seconds"
    package static let releaseInfo = "gantry_release_info"
    package static let rollbacksTotal = "gantry_rollbacks_total"
    package static let failuresTotal = "gantry_failures_total"
    package static let breakGlassTotal = "gantry_break_glass_total"
    package static let runnerUp = "gantry_runner_up"
    package static let runnerProbeDuration = "gantry_runner_probe_duration_seconds"
    package static let runnerFailoversTotal = "gantry_runner_failovers_total"
    package static let checkUp = "gantry_check_up"
    package static let checkDuration = "gantry_check_duration_seconds"
    package static let lockHeld = "gantry_lock_held"
    package static let lockWait = "gantry_lock_wait_seconds"
    static let rolloutBatch = "gantry_rollout_batch"
    package static let buildInfo = "gantry_build_info"

    /// The `# HELP` text of each metric: `promtool check metrics` wants one for every family.
    static let help: [String: String] = [
        deploymentsTotal: "Deployments that ended, by environment and outcome.",
        deploymentDuration: "How long deployments took from start to outcome, by environment and outcome.",
        deploymentInProgress: "1 while a deployment of the environment holds its lease.",
        lastDeploymentTimestamp: "When the environment's last deployment with this outcome ended (Unix seconds); 0 until one has.",
        releaseInfo: "The release the environment runs (last verified), as a label; the value is always 1.",
        rollbacksTotal: "Rollbacks, automatic (after a failed deploy) or manual (gantry rollback).",
        failuresTotal: "Deployments, rollbacks and recoveries that did not succeed, by reason code (docs/runbooks.md).",
        breakGlassTotal: "Deploys that went past their promotion gate or approvals (--skip-promotion --reason), counted when they ended.",
        runnerUp: "1 when the runner was judged healthy by its sources, 0 when not.",
        runnerProbeDuration: "How long judging the runner took.",
        runnerFailoversTotal: "Times the runner gate chose another runner than the first in priority.",
        checkUp: "1 when the check passed at its last run, 0 when it failed.",
        checkDuration: "How long the check's last run took.",
        lockHeld: "1 while the environment's lease is held (by a deployment or by hand).",
        lockWait: "How long the oldest deployment queued for the environment's lease has waited.",
        rolloutBatch: "The batch a running rollout of the environment is at (1 is the canary); 0 when none runs.",
        buildInfo: "The gantry version, as a label; the value is always 1.",
    ]
}
