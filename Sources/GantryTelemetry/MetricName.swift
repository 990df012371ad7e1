/// The metric names of DESIGN.md section 5, in one place, so the code that emits them, the
/// dashboard and the alert rules can never disagree on a name.
public enum MetricName {
    public static let deploymentsTotal = "gantry_deployments_total"
    public static let deploymentDuration = "gantry_deployment_duration_seconds"
    public static let deploymentInProgress = "gantry_deployment_in_progress"
    public static let lastDeploymentTimestamp = "gantry_last_deployment_timestamp_seconds"
    public static let releaseInfo = "gantry_release_info"
    public static let rollbacksTotal = "gantry_rollbacks_total"
    public static let runnerUp = "gantry_runner_up"
    public static let runnerProbeDuration = "gantry_runner_probe_duration_seconds"
    public static let runnerFailoversTotal = "gantry_runner_failovers_total"
    public static let checkUp = "gantry_check_up"
    public static let checkDuration = "gantry_check_duration_seconds"
    public static let lockHeld = "gantry_lock_held"
    public static let lockWait = "gantry_lock_wait_seconds"
    public static let buildInfo = "gantry_build_info"
}
