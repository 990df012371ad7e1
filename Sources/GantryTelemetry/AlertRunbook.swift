/// What each generated alert means, how to confirm it and what to do: the alert half of
/// docs/runbooks.md, which `gantry monitoring runbook` renders with the reason codes.
package struct AlertRunbook: Sendable, Hashable {
    /// The alert's name; its runbook anchor is the name in lower case.
    package let alert: String
    let means: String
    let confirm: String
    let action: String

    package static let all: [AlertRunbook] = [
        AlertRunbook(
            alert: "GantryRunnerDown",
            means: "gantry judged one runner unhealthy for 2 minutes (`gantry_runner_up == 0`). Deploys still run: `gantry select-runner` fails over to the next runner by priority.",
            confirm: "`gantry runners` prints every health source's state, latency and reason.",
            action: "follow the failing source. *prometheus*: the runner's exporter is down or the query no longer matches (`up{...}` of the runner). *http*: the health endpoint is down or slow (its timeout is in the reason). *github*: the runner is `offline` in GitHub (restart the runner service: `sudo ./svc.sh status` in the runner directory), or the token was rejected (401/403: renew it, it needs *Administration: read*). *local*: free disk, memory or a missing tool on the runner itself."
        ),
        AlertRunbook(
            alert: "GantryAllRunnersDown",
            means: "every runner is unhealthy; `select-runner` exits 3 and no deploy, rollback included, can start from CI.",
            confirm: "`gantry runners` (exit 3 when none is healthy).",
            action: "bring one runner back first (see GantryRunnerDown). If production needs a rollback meanwhile, run `gantry rollback ENV` by hand from a machine that holds the inventory and secrets; the lock and the journal protect it the same way."
        ),
        AlertRunbook(
            alert: "GantryDeploymentFailed",
            means: "the newest deployment of the environment ended `failed`: the deploy went wrong and production could not be restored to the last good release (no rollback command, or the rollback or its verification failed). Production may run a partly changed release.",
            confirm: "`gantry diagnose ENV` ranks the causes with their evidence and the next safe step; `gantry show ID` has the whole journal.",
            action: "restore service first: `gantry rollback ENV` (or `--to RELEASE`), then find the cause. The alert clears when a later deployment succeeds or is rolled back. If the circuit breaker has opened, `gantry unfreeze ENV` resets it once the cause is fixed."
        ),
        AlertRunbook(
            alert: "GantryRollback",
            means: "a rollback ran in the last 30 minutes: `automatic` (a deploy or its checks failed and gantry put the last good release back) or `manual` (`gantry rollback`). Production runs the last good release.",
            confirm: "`gantry history ENV`; `gantry show ID` of the rolled-back deployment shows the failing command or check.",
            action: "fix the release before deploying it again. With `protect.lock_after_rollback` the environment stays locked until `gantry unlock ENV`."
        ),
        AlertRunbook(
            alert: "GantryBreakGlass",
            means: "a deploy of the environment that skipped its promotion gate (`promote_from`) or its signed approvals (`approvals:`) with `--skip-promotion --reason TEXT` ended in the last hour. It is allowed, and recorded: this alert is for the people who review such deploys, not an incident.",
            confirm: "`gantry history ENV --json` shows the deployment's `break_glass` (who, why, what the gate said); the status page marks it **break glass**; webhooks had a `break_glass` event.",
            action: "review it: was it the emergency its reason says? Once the hurry is over, take the release through staging and its approvals as usual, so the next deploy does not need the glass broken again."
        ),
        AlertRunbook(
            alert: "GantryDeploymentStuck",
            means: "a deployment has held the environment's lease longer than its deploy attempts, verification and rollback timeouts allow together (an hour without a gantry.yml when the rules were generated).",
            confirm: "`gantry status ENV` names the holder: runner, host, pid and CI run.",
            action: "look at the CI run. If the runner is gone, the lease expires after `lock.lease` and the next deploy recovers through the journal; run `gantry recover ENV` to do it now."
        ),
        AlertRunbook(
            alert: "GantryLockHeldTooLong",
            means: "the environment's lock has been held for two hours, by a deployment or by hand (`gantry lock`). Deploys wait (`--wait`) or are refused meanwhile.",
            confirm: "`gantry status ENV` says who holds it, since when and why.",
            action: "if it was held by hand and the reason has passed, `gantry unlock ENV`. If a deployment holds it, see GantryDeploymentStuck."
        ),
        AlertRunbook(
            alert: "GantryChecksFailing",
            means: "a health check of the environment has failed for 5 minutes while no deployment is running: production is unhealthy on its own, not because of a deploy.",
            confirm: "`gantry check ENV` (or `--only NAME`) prints each target's reason.",
            action: "treat it as an incident of the service the check watches. A deploy now would be verified against the same failing check and rolled back; fix the service first."
        ),
        AlertRunbook(
            alert: "GantryExporterDown",
            means: "Prometheus cannot scrape `gantry serve`: runner health, check status and deployment metrics are not current, and the other alerts may be blind.",
            confirm: "`curl -s http://HOST:9464/healthz` on the serve host; `systemctl status` of the unit that runs it.",
            action: "restart `gantry serve`. It reads everything it shows from the state store, so nothing is lost while it is down."
        ),
    ]
}
