/// The one table of reason codes: for each, its group, whose fault it usually is, and its
/// runbook (what it means, how to confirm it, how to fix it, what never to do).
///
/// `gantry monitoring runbook` renders docs/runbooks.md from it, `gantry diagnose` quotes it,
/// and a test fails when the checked-in runbook and the table disagree.
package enum ReasonCatalog {
    /// Whose fault a finding usually is: who should act on it.
    package enum Blame: String, Sendable, Hashable, Codable, CaseIterable {
        /// The CI runner machine or the runner service.
        case runner
        /// A target host.
        case host
        /// The release or the deploy code being shipped.
        case change
        /// Something shared: the network, DNS, the state store, monitoring.
        case infrastructure
        /// A person's decision or setting: a freeze, a lock by hand, a missing secret.
        case `operator`
    }

    package enum Group: String, Sendable, Hashable, CaseIterable {
        case lock, protection, runner, preflight, command, checks, rollback, other
        case recognized = "recognized in output or on the machine"
        case runnerLogs = "recognized in the runner's logs"
    }

    package struct Entry: Sendable, Hashable {
        package let code: ReasonCode
        package let group: Group
        package let blame: Blame
        /// One line, for lists and annotations.
        package let title: String
        package let means: String
        package let confirm: String
        package let fix: String
        package let never: String

        /// The runbook section's anchor: the code itself.
        package var anchor: String { code.rawValue }
    }

    package static func entry(_ code: ReasonCode) -> Entry {
        guard let found = entries.first(where: { $0.code == code }) else {
            preconditionFailure("reason code \(code.rawValue) has no catalog entry")
        }
        return found
    }

    package static let entries: [Entry] = [
        Entry(
            code: .lockWaitTimeout, group: .lock, blame: .infrastructure,
            title: "another deployment held the environment's lease for longer than --wait",
            means: "Another deployment (or a queue ahead of this one) held the lease for the whole wait. Nothing was changed by this deployment.",
            confirm: "`gantry status ENV` shows the holder, its host, pid and deployment; `gantry show ID` of that deployment shows what it is doing.",
            fix: "Wait for it and deploy again, or raise `--wait`. If the holder is stuck, let its lease expire: a live holder renews it, a dead one stops renewing.",
            never: "Never `gantry unlock ENV --force` a lease whose holder may still be running: two deploys would change production at once."
        ),
        Entry(
            code: .lockHeldByHand, group: .lock, blame: .operator,
            title: "the environment is locked by hand",
            means: "Someone ran `gantry lock ENV`; deploys are refused until it is released. Nothing was changed.",
            confirm: "`gantry status ENV` names who locked it, when and why.",
            fix: "Ask the person who locked it; `gantry unlock ENV` releases it once the reason is gone.",
            never: "Never release someone else's hand lock without asking: it usually guards maintenance in progress."
        ),
        Entry(
            code: .superseded, group: .lock, blame: .operator,
            title: "a newer deployment queued behind this one, so it gave up (supersede: true)",
            means: "With `supersede: true` a waiting deployment yields to a newer one. Nothing was changed; the newer release goes out instead.",
            confirm: "`gantry history ENV` shows the newer deployment queued after this one.",
            fix: "Nothing to fix: this is the configured behaviour. Turn `supersede` off if every release must be deployed.",
            never: "Never re-run the superseded release by hand after the newer one: it would move production backwards."
        ),
        Entry(
            code: .frozen, group: .protection, blame: .operator,
            title: "the environment is frozen",
            means: "`gantry freeze ENV` is in force; deploys are refused. Nothing was changed.",
            confirm: "`gantry status ENV` shows who froze it and why.",
            fix: "`gantry unfreeze ENV` once the reason is gone, or `gantry deploy --override --reason TEXT` for an emergency fix.",
            never: "Never override a freeze without a reason a reviewer can read later."
        ),
        Entry(
            code: .freezeWindow, group: .protection, blame: .operator,
            title: "a configured freeze window is open",
            means: "The time is inside one of the environment's `freeze_windows`. Nothing was changed.",
            confirm: "`gantry plan ENV --release R` names the window and when it closes.",
            fix: "Deploy after the window closes, or `--override --reason TEXT` for an emergency fix.",
            never: "Never edit the window out of gantry.yml to get a deploy through: use an override, which is recorded."
        ),
        Entry(
            code: .circuitOpen, group: .protection, blame: .change,
            title: "the circuit breaker is open after repeated failures",
            means: "The last deployments of the environment failed in a row, as many as `circuit_breaker` allows. Deploys are refused until a person looks.",
            confirm: "`gantry history ENV` shows the failures; `gantry diagnose ENV` explains the newest.",
            fix: "Fix the cause, then `gantry unfreeze ENV` resets the breaker.",
            never: "Never reset the breaker without reading why the deploys failed."
        ),
        Entry(
            code: .notPromoted, group: .protection, blame: .change,
            title: "the release has not soaked in the environment it is promoted from",
            means: "The environment has `promote_from`: a release must have been verified in that environment (staging) and stayed its current release for the soak, with no failed check or rollback of it there since. This one has not: the refusal says what is missing (never ran there, live for 12m of 30m, rolled back there).",
            confirm: "`gantry history SOURCE` shows the release's deployments there; `gantry status SOURCE` what runs there now.",
            fix: "Deploy the release to the source environment first, let it soak, then deploy it again. In an emergency, `--skip-promotion --reason TEXT` deploys anyway and is recorded.",
            never: "Never skip the gate to ship a release that failed its checks in staging."
        ),
        Entry(
            code: .notApproved, group: .protection, blame: .change,
            title: "the release lacks the signed approvals the environment requires",
            means: "The environment has `approvals:`: a deploy needs that many approvals of this release, signed with `gantry approve` by people in `allowed_signers` other than the deployer, for this configuration file and younger than their `ttl`. Too few counted: the refusal lists each approval and why it did not count.",
            confirm: "`gantry approvals ENV --release R` lists the approvals with why each counts or not.",
            fix: "Ask another person in `allowed_signers` to run `gantry approve ENV --release R --key KEY`; after a change to the configuration file, approvals are signed again. In an emergency, `--skip-promotion --reason TEXT` deploys anyway and is recorded.",
            never: "Never approve your own deploy with a second key, or add a key to `allowed_signers` to get past the gate."
        ),
        Entry(
            code: .activeAlerts, group: .protection, blame: .infrastructure,
            title: "Alertmanager has active alerts for the environment",
            means: "`protect.alertmanager` found alerts matching its matchers that are firing, not silenced and not inhibited: production is in an incident, so no release goes out into it. Nothing was changed.",
            confirm: "The refusal names the alerts; Alertmanager's UI or `amtool alert query` with the same matchers lists them.",
            fix: "Resolve the incident, or silence the alerts that do not concern this deploy; `gantry deploy --override --reason TEXT` for the fix of the incident itself.",
            never: "Never widen a silence to let a deploy through: it hides the incident from the people on call too."
        ),
        Entry(
            code: .alertGateUnreachable, group: .protection, blame: .infrastructure,
            title: "Alertmanager could not be asked, and on_unreachable is block",
            means: "The incident gate got no usable answer from Alertmanager (down, unreachable, an HTTP error or a bad body). Nothing was changed.",
            confirm: "`curl URL/api/v2/status` from the runner; the refusal says what failed.",
            fix: "Bring Alertmanager back or fix the URL; `on_unreachable: allow` if deploys must not depend on it.",
            never: "Never point the gate at a stub that always answers an empty list."
        ),
        Entry(
            code: .runnerUnfit, group: .runner, blame: .runner,
            title: "this runner failed its own health checks",
            means: "The runner's local checks (disk, memory, tools) failed before the lock was taken. Nothing was changed.",
            confirm: "`gantry runners` shows each source's verdict and reason.",
            fix: "Free disk or memory on the runner, install the missing tool, or let `gantry select-runner` move the job to a healthy runner.",
            never: "Never disable the runner gate to get a deploy through on a sick machine."
        ),
        Entry(
            code: .preflightSecretMissing, group: .preflight, blame: .operator,
            title: "a secret the environment needs is not set",
            means: "A name listed under `secrets:` is empty or missing in the deploy step's environment. Nothing was changed.",
            confirm: "`gantry show ID` lists the missing names (never values); check the workflow's `env:` and the repository or environment secrets.",
            fix: "Add the secret to the CI environment and map it into the step's `env:`.",
            never: "Never paste the secret's value into gantry.yml or a command line."
        ),
        Entry(
            code: .preflightHostUnreachable, group: .preflight, blame: .host,
            title: "a target host did not accept a connection",
            means: "Preflight's reachability probe could not connect to a target's port. Nothing was changed.",
            confirm: "`gantry show ID` names the host and the error; try `ssh` or `nc -z HOST PORT` from the runner.",
            fix: "Bring the host or its sshd back, or take it out of the inventory.",
            never: "Never turn the reachability check off to deploy to part of the fleet silently."
        ),
        Entry(
            code: .preflightToolMissing, group: .preflight, blame: .runner,
            title: "a tool the deploy needs is not on the runner's PATH",
            means: "A program listed under `preflight.tools` was not found. Nothing was changed.",
            confirm: "`gantry show ID` names it; `command -v TOOL` on the runner.",
            fix: "Install it on the runner image, or fix PATH in the workflow.",
            never: "Never install tools by hand on one runner only: the next job may land elsewhere."
        ),
        Entry(
            code: .preflightDiskLow, group: .preflight, blame: .runner,
            title: "the runner has less free disk than preflight requires",
            means: "Free space in the project directory is below `preflight.min_free_disk`. Nothing was changed.",
            confirm: "`df -h DIR` on the runner; `gantry diagnose ID` reports free space and inodes.",
            fix: "Clean the runner's work directories (`_work`, docker images, caches) or grow its disk.",
            never: "Never delete the runner's `_diag` logs to make room before reading them."
        ),
        Entry(
            code: .preflightInventoryEmpty, group: .preflight, blame: .operator,
            title: "the inventory names no hosts for the environment",
            means: "The environment's inventory resolved to no targets. Nothing was changed.",
            confirm: "`gantry validate` and `ansible-inventory -i INVENTORY --list`.",
            fix: "Fix the inventory or the group the environment points at.",
            never: "Never point the environment at `all` to make the error go away."
        ),
        Entry(
            code: .commandFailed, group: .command, blame: .change,
            title: "the deploy command exited with an error",
            means: "The deploy (or rollback) command ended with a non-zero status. Production may have changed; gantry rolled back if it could.",
            confirm: "`gantry diagnose ID` shows the failing task and host (from Ansible's `fatal:` lines) and the command's last lines.",
            fix: "Fix the playbook or the release; deploy again.",
            never: "Never re-run the same release with `--force` before knowing why it failed."
        ),
        Entry(
            code: .commandTimeout, group: .command, blame: .host,
            title: "the deploy command ran past its timeout and was stopped",
            means: "gantry stopped the command's process group after `deploy.timeout`. Production may be partly changed; gantry rolled back if it could.",
            confirm: "`gantry show ID` shows the last lines before the stop; look for a task waiting on a host or a lock.",
            fix: "Find what hung (a host, a package mirror, a prompt) and fix it; raise the timeout only if the deploy is genuinely slower.",
            never: "Never set an unlimited timeout: a hung deploy then holds the environment forever."
        ),
        Entry(
            code: .commandNotStarted, group: .command, blame: .runner,
            title: "the deploy command could not be started",
            means: "The program was missing or not executable, or the lease guard refused to start it. Nothing ran.",
            confirm: "`gantry show ID` has the launch error.",
            fix: "Install the program or fix the path in gantry.yml.",
            never: "Never work around a guard refusal by running the command by hand: the lease was not safe."
        ),
        Entry(
            code: .commandKilled, group: .command, blame: .runner,
            title: "the deploy command was killed by a signal",
            means: "The command died from a signal gantry did not send for a timeout: the kernel (memory), the lease guard, or someone on the runner.",
            confirm: "`gantry diagnose ID` checks the kernel log for the OOM killer and the journal for the lease guard.",
            fix: "Follow the finding: memory on the runner, a store the runner could not reach, or a person who killed it.",
            never: "Never assume production is unchanged after a kill: verify or roll back."
        ),
        Entry(
            code: .checkFailed, group: .checks, blame: .change,
            title: "a check failed after the deploy",
            means: "The release was deployed but a health check failed; gantry rolled back to the last good release if it could.",
            confirm: "`gantry show ID` lists every check's verdict and message; `gantry check ENV` re-runs them now.",
            fix: "Fix the release; if the check itself is wrong, fix the check and deploy again.",
            never: "Never remove a failing check to get a release through."
        ),
        Entry(
            code: .checkNoData, group: .checks, blame: .infrastructure,
            title: "a check had no data to judge",
            means: "A query returned no samples (`on_no_data: fail`): gantry could not tell whether the release is healthy, so it did not call it healthy.",
            confirm: "Run the check's query in Prometheus; look for a renamed metric, a missing label or a stopped scrape.",
            fix: "Fix the query or the scrape; `on_no_data: pass` only where no data truly means healthy.",
            never: "Never treat no data as a pass by default."
        ),
        Entry(
            code: .analysisFailed, group: .checks, blame: .change,
            title: "a rollout's analysis failed during a bake",
            means: "A `prometheus` check with `analysis:` failed more measurements than its `failure_limit`, erred more times in a row than its `consecutive_error_limit`, or (with `compare:`) found the canary significantly worse than the rest of the fleet. Gantry rolled back the hosts deployed so far.",
            confirm: "`gantry show ID` has an `analysis_result` entry per analysis: its counts, its last measurement, and for a comparison the U statistic, p-value and effect.",
            fix: "Fix the release; if the query or its limits are wrong, fix them and deploy again.",
            never: "Never raise `failure_limit` to get a release through."
        ),
        Entry(
            code: .rolloutAborted, group: .checks, blame: .operator,
            title: "a paused rollout was aborted",
            means: "An analysis was inconclusive (no data, or errors within their limit), the rollout paused, and someone ran `gantry abort ENV`. Gantry rolled back the hosts deployed so far.",
            confirm: "`gantry show ID` has the `paused` and `aborted` entries, with who aborted and why.",
            fix: "Find why the analysis had no data (a renamed metric, a stopped scrape), then deploy again.",
            never: "Never promote a pause you have not looked at: no data is not a pass."
        ),
        Entry(
            code: .pauseTimeout, group: .checks, blame: .operator,
            title: "a paused rollout timed out",
            means: "An analysis was inconclusive, the rollout paused, and nobody ran `gantry promote` or `gantry abort` within `rollout.pause_timeout`; gantry aborted and rolled back the hosts deployed so far.",
            confirm: "`gantry show ID` has the `paused` entry and the timeout's `aborted` entry.",
            fix: "Make sure someone watches paused rollouts (notifications, the status page), and fix the analysis' data.",
            never: "Never set a huge pause_timeout to avoid deciding: the lock stays held all along."
        ),
        Entry(
            code: .rolloutPaused, group: .lock, blame: .operator,
            title: "a rollout left paused holds the environment",
            means: "An earlier rollout paused for a person (`on_pause: exit`) and keeps the environment's lease until `gantry promote` or `gantry abort` decides it, or its `pause_timeout` passes. This deploy was refused; nothing was changed.",
            confirm: "`gantry status ENV` shows the rollout's batch and why it paused.",
            fix: "Decide the paused rollout (`gantry promote ENV` or `gantry abort ENV`), then deploy again.",
            never: "Never unlock a paused rollout by hand: its hosts run a mix of releases until it is promoted or rolled back."
        ),
        Entry(
            code: .verifyTimeout, group: .checks, blame: .host,
            title: "verification did not finish before its deadline",
            means: "At least one check had not given a verdict when `verify_timeout` passed.",
            confirm: "`gantry show ID` lists the checks that never finished; probe their targets by hand.",
            fix: "Fix the slow dependency, lower check retries, or raise `verify_timeout` if checks are legitimately slow.",
            never: "Never raise the deadline past the lease length's worth of patience without a reason."
        ),
        Entry(
            code: .rollbackFailed, group: .rollback, blame: .host,
            title: "the rollback failed or its verification failed",
            means: "After a failed deploy the rollback command or its checks failed: production may run an unverified or mixed release. A person is needed.",
            confirm: "`gantry diagnose ID` shows the first failure and the rollback's; check what the hosts serve.",
            fix: "Restore service by hand or with `gantry rollback ENV --to RELEASE`, then fix the rollback path.",
            never: "Never deploy a new release on top before knowing what production runs."
        ),
        Entry(
            code: .noRollbackPath, group: .rollback, blame: .operator,
            title: "there was no way back: no rollback command or no last good release",
            means: "The deploy failed and gantry could not roll back: no `rollback:` is configured, there is no verified release yet, or a rollback itself failed.",
            confirm: "`gantry status ENV` shows the last good release; gantry.yml shows whether `rollback:` exists.",
            fix: "Configure a rollback command; restore production by a new deploy of a known good release.",
            never: "Never leave production on a failed release while investigating."
        ),
        Entry(
            code: .leaseLost, group: .other, blame: .infrastructure,
            title: "the lease was lost while the deployment ran",
            means: "The runner could not renew its lease in time (frozen, cut off from the store) or the store gave it to another runner; the lease guard stopped the command.",
            confirm: "`gantry diagnose ID` shows the guard's stop and the store's view; look for network trouble between runner and store.",
            fix: "Fix the runner's path to the state store; `gantry recover ENV` finishes what was left.",
            never: "Never lengthen the lease to hide store outages: it only delays the takeover of a dead runner."
        ),
        Entry(
            code: .storeUnavailable, group: .other, blame: .infrastructure,
            title: "the state store could not be reached",
            means: "gantry could not read or write its state (SQLite file or PostgreSQL).",
            confirm: "`gantry status` on the same runner; `pg_isready` for PostgreSQL.",
            fix: "Bring the store back; then `gantry recover ENV` records and undoes what was left.",
            never: "Never point runners at different stores for one environment: the lock would no longer serialize them."
        ),
        Entry(
            code: .interrupted, group: .other, blame: .operator,
            title: "the deployment was interrupted (SIGINT/SIGTERM, a cancelled CI job)",
            means: "gantry was asked to stop; it stopped the command and rolled back when it could.",
            confirm: "The CI job's log shows the cancel; `gantry show ID` shows where it stopped.",
            fix: "Deploy again when ready; after a hard kill `gantry recover ENV` finishes the cleanup.",
            never: "Never kill gantry with SIGKILL on purpose: the rollback cannot run."
        ),
        Entry(
            code: .internalError, group: .other, blame: .infrastructure,
            title: "gantry met a state it does not expect (a bug in gantry)",
            means: "The deployment's decisions received an event its current step does not expect. It stopped and said whether production may have changed.",
            confirm: "`gantry show ID` has a journal note starting with 'internal error:'.",
            fix: "`gantry recover ENV` if production may have changed; report the journal note with the gantry version.",
            never: "Never retry in a loop: the same input will meet the same bug."
        ),
        Entry(
            code: .diskFull, group: .recognized, blame: .runner,
            title: "a disk filled up (No space left on device)",
            means: "A command or the machine reported ENOSPC.",
            confirm: "`gantry diagnose ID` quotes the line and reports free space and inodes of the paths in use.",
            fix: "Free space on the runner or the host named in the line; prune old releases.",
            never: "Never delete the newest release directories first: they are the way back."
        ),
        Entry(
            code: .oomKilled, group: .recognized, blame: .runner,
            title: "the kernel's OOM killer killed the command",
            means: "The machine ran out of memory and the kernel killed a process of the deploy.",
            confirm: "The kernel log line (`dmesg`, `journalctl -k`) quoted by `gantry diagnose ID`; memory pressure in `/proc/pressure/memory`.",
            fix: "Give the runner more memory or run fewer jobs on it at once (`ansible-playbook --forks`).",
            never: "Never disable the OOM killer on a runner."
        ),
        Entry(
            code: .hostUnreachable, group: .recognized, blame: .host,
            title: "a target host could not be reached over SSH",
            means: "Ansible reported `UNREACHABLE!` or ssh could not connect (refused or timed out).",
            confirm: "`gantry diagnose ID` names the host; `ssh HOST true` from the runner.",
            fix: "Bring the host or its sshd back, or remove it from the inventory, then deploy again.",
            never: "Never leave a host out silently: it would keep an old release."
        ),
        Entry(
            code: .authFailed, group: .recognized, blame: .operator,
            title: "authentication failed (SSH key, vault password)",
            means: "ssh said `Permission denied (publickey)` or Ansible could not decrypt the vault.",
            confirm: "`gantry diagnose ID` quotes the line; check the key or vault secret the workflow passes.",
            fix: "Rotate or restore the key or vault password in the CI secrets.",
            never: "Never print a key or a vault password to debug this."
        ),
        Entry(
            code: .dnsFailure, group: .recognized, blame: .infrastructure,
            title: "a host name could not be resolved",
            means: "A command could not resolve a name (`Could not resolve hostname`, `Name or service not known`).",
            confirm: "`getent hosts NAME` on the runner.",
            fix: "Fix DNS or the inventory's host names.",
            never: "Never hard-code addresses in the playbook to work around DNS."
        ),
        Entry(
            code: .runnerShutdown, group: .runnerLogs, blame: .runner,
            title: "the GitHub Actions runner received a shutdown signal",
            means: "The runner service was stopped (machine shutdown, scale-in, a restart) while the job ran.",
            confirm: "The `Runner_*.log` line quoted by `gantry diagnose`; the machine's shutdown log.",
            fix: "Keep runners that deploy out of autoscaling scale-in while a job runs; `gantry recover ENV` cleans up.",
            never: "Never restart runner services during deploy windows."
        ),
        Entry(
            code: .runnerSessionConflict, group: .runnerLogs, blame: .runner,
            title: "two listeners run for one runner registration",
            means: "A second runner process connected with the same registration; GitHub gives jobs to one of them at random.",
            confirm: "`A session for this runner already exists` in `Runner_*.log`; `ps` for two `Runner.Listener` processes or two machines cloned from one image.",
            fix: "Stop the duplicate; register cloned machines with their own names.",
            never: "Never clone a configured runner directory onto another machine."
        ),
        Entry(
            code: .runnerRegistrationDeleted, group: .runnerLogs, blame: .operator,
            title: "the runner's registration was deleted in GitHub",
            means: "The runner cannot create a session: it was removed from the repository or organization, or its token expired.",
            confirm: "`Failed to create a session. The runner registration has been deleted` in `Runner_*.log`; the runner is missing in the repository's Settings → Actions → Runners.",
            fix: "Register the runner again (`./config.sh --url … --token …`) with a fresh token.",
            never: "Never copy another runner's `.runner` and `.credentials` files to revive it."
        ),
        Entry(
            code: .runnerNetworkTimeout, group: .runnerLogs, blame: .infrastructure,
            title: "the runner lost its connection to GitHub while the job ran",
            means: "The runner's calls to GitHub timed out; the job may be cancelled by GitHub or its logs lost.",
            confirm: "Timeouts in `Worker_*.log` or `Runner_*.log` quoted by `gantry diagnose`; the runner's egress (proxy, firewall).",
            fix: "Fix the runner's network path to github.com; `gantry recover ENV` if the job died.",
            never: "Never retry a deploy in a loop while the runner cannot reach GitHub: its results may never be reported."
        ),
    ]
}
