import Foundation

/// A JSON Schema (draft 2020-12) of `gantry.yml`, for editors (yaml-language-server) and CI
/// linters. It follows the parser key for key and rejects unknown keys, as the parser does;
/// the parser stays the authority on what the schema cannot say (durations that must be
/// positive, a lease of at least 3s, URLs that must start with a scheme after `${VAR}`
/// expansion).
///
/// The configuration reference page is generated from it, so every property carries a
/// one-sentence `description`, its `default` where the parser has one, and one `examples`
/// value (every leaf that is not an enum). Defaults come from the parser's own constants
/// where it has them (`ServeConfig()`, `CheckTiming.defaults`, …), so they cannot drift;
/// the rest repeat the literal the parser falls back on.
package enum ConfigSchema {
    /// Where `gantry init` points editors; `gantry schema` prints the same document.
    package static let fileName = "gantry.schema.json"

    package static func document() -> [String: Any] {
        let serve = ServeConfig()
        return [
            "$schema": "https://json-schema.org/draft/2020-12/schema",
            "$id": "https://gantry.dev/schema/gantry-v1.json",
            "title": "gantry.yml",
            "description": "Gantry's configuration: environments, their deploy and rollback commands, checks, runners, the state store and gantry serve.",
            "type": "object",
            "additionalProperties": false,
            "required": ["version", "environments"],
            "properties": [
                "version": ["const": 1, "description": "The configuration's format; only 1 exists."],
                "state": string(
                    "The state store that keeps releases, history, journals and locks: sqlite:PATH (default sqlite:.gantry/state.db) or postgres://user@host/db, or a whole ${VAR} that holds one.",
                    pattern: "^(sqlite:|postgres://|postgresql://|\\$\\{[A-Za-z_][A-Za-z0-9_]*\\}$)",
                    default: GantryConfig.defaultState, example: "postgres://gantry:${GANTRY_DB_PASSWORD}@db.internal/gantry"
                ),
                "public_variables": variables("Variables read through ${VAR} that are not secret, so their values are shown unmasked.", example: ["BRANCH"]),
                "metrics": object("Where one-shot commands leave their metrics, for node_exporter's textfile collector.", [
                    "textfile": string("A node_exporter textfile path gantry writes after every deployment.", example: "/var/lib/node_exporter/textfile/gantry.prom"),
                ]),
                "notify": described("Webhooks and GitHub deployment mirrors told about the deployments of every environment.", ref("notify"), default: [] as [Any], example: notifyExample),
                "serve": object("How gantry serve listens, authenticates and polls.", [
                    "listen": string("The host:port gantry serve listens on (default 127.0.0.1:9464, loopback only).", default: serve.listen, example: "0.0.0.0:9464"),
                    "token_env": envName("The variable holding the bearer token for /api/v1/status and /metrics.", example: "GANTRY_SERVE_TOKEN"),
                    "require_token": bool("Refuse to start without the token, so the status page is never served unauthenticated.", default: serve.requireToken),
                    "runner_interval": described("How often runners are probed.", ref("duration"), default: written(serve.runnerInterval)),
                    "check_interval": described("How often each environment's checks are run.", ref("duration"), default: written(serve.checkInterval)),
                    "store_interval": described("How often the store is read for deployments, locks and releases.", ref("duration"), default: written(serve.storeInterval)),
                    "unhealthy_after": integer("Failed probes in a row before a healthy runner or check is reported unhealthy.", minimum: 1, maximum: 100, default: serve.unhealthyAfter, example: 3),
                    "healthy_after": integer("Passed probes in a row before an unhealthy runner or check is reported healthy again.", minimum: 1, maximum: 100, default: serve.healthyAfter, example: 3),
                    "idle_timeout": described("Idle connections are closed after this, so idle sockets cannot pile up.", ref("duration"), default: written(serve.idleTimeout)),
                    "max_connections": integer("Connections served at once; more wait in the listen backlog.", minimum: 1, maximum: 100_000, default: serve.maxConnections, example: 512),
                ]),
                "runners": annotated([
                    "type": "array", "description": "The machines that can run deploys, for select-runner and the runner gate.", "items": ["$ref": "#/$defs/runner"],
                ] as [String: Any], default: [] as [Any], example: [["name": "runner-1", "labels": ["self-hosted", "production"], "health": [["http": ["url": "http://127.0.0.1:9102/healthz"]]]] as [String: Any]]),
                "environments": [
                    "type": "object", "description": "Each environment by name.", "minProperties": 1,
                    "propertyNames": ["pattern": "^[A-Za-z0-9._-]+$"],
                    "additionalProperties": ["$ref": "#/$defs/environment"],
                ],
            ],
            "$defs": definitions(),
        ]
    }

    /// The document as JSON text, keys sorted so it diffs cleanly.
    package static func json() -> String {
        let data = (try? JSONSerialization.data(withJSONObject: document(), options: [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes])) ?? Data("{}".utf8)
        return String(decoding: data, as: UTF8.self) + "\n"
    }

    /// One `notify:` list, for the examples of both places it is written.
    static var notifyExample: [Any] {
        [["webhook": ["url": "${SLACK_WEBHOOK_URL}", "format": "slack", "on": ["failed", "rolled_back"]] as [String: Any]]]
    }

    static func definitions() -> [String: Any] {
        let hook = WebhookConfig(url: "")
        return [
            // `$comment` names the type on the reference page, which would otherwise say "string".
            "duration": string("A duration: 500ms, 30s, 1.5s, 5m, 1h, 1h30m, 1d.", pattern: "^([0-9]+(\\.[0-9]+)?(ms|s|m|h|d))+$", example: "30s")
                .merging(["$comment": "duration"]) { $1 },
            "size": string("A size with its unit (4096B, 100MB, 512MiB, 2GiB), or a share of the total (10%) where allowed.", pattern: "^[0-9]+(\\.[0-9]+)? *(([kKmMgGtT][iI]?)?[bB]|%)$", example: "512MiB")
                .merging(["$comment": "size"]) { $1 },
            "command": object("A command gantry runs: an argument list without a shell unless shell: true, bounded by a timeout.", [
                "command": annotated([
                    "description": "The argv (a list; placeholders {release}, {environment}, {inventory}, {deployment_id}, {targets}, ${VAR}), or one script string with shell: true.",
                    "oneOf": [["type": "array", "items": ["type": "string"], "minItems": 1], ["type": "string", "minLength": 1]],
                ] as [String: Any], example: ["ansible-playbook", "-i", "{inventory}", "deploy.yml", "-e", "release={release}"]),
                "shell": bool("Run the one script string with /bin/sh -c; placeholders are shell-quoted.", default: false),
                "timeout": described(
                    "The limit of one attempt, after which the process group gets SIGTERM, then SIGKILL after grace (in a command check, the check's timeout caps it).",
                    ref("duration"), default: written(CommandConfig.defaultTimeout), example: "15m"
                ),
                "grace": described("How long the process group gets between SIGTERM and SIGKILL.", ref("duration"), default: written(CommandConfig.defaultGrace), example: "30s"),
                "env": annotated([
                    "type": "object", "description": "Extra environment variables for the command; their values may read ${VAR} and are masked.",
                    "propertyNames": ["pattern": "^[A-Za-z_][A-Za-z0-9_]*$"], "additionalProperties": ["type": "string"],
                ] as [String: Any], default: [String: String](), example: ["ANSIBLE_FORCE_COLOR": "0"]),
            ], required: ["command"]),
            "timing": object("Timing every check of the environment inherits unless it sets its own.", timing(inherited: false)),
            "check": check(),
            "environment": environment(),
            "notify": [
                "type": "array", "description": "Webhooks told about deployments (top level: of every environment).",
                "items": object("One webhook, or one GitHub deployments mirror.", [
                    "webhook": object("A webhook that receives gantry's JSON or a Slack message for each event.", [
                        "url": string("The http(s) URL to POST to, or a whole ${VAR} (masked everywhere).", example: "${SLACK_WEBHOOK_URL}"),
                        "on": annotated([
                            "type": "array", "items": ["enum": NotificationEvent.allCases.map(\.rawValue)],
                            "description": "The events that are sent (default: started, succeeded, rolled_back, failed, interrupted, paused).",
                        ] as [String: Any], default: NotificationEvent.defaults.map(\.rawValue), example: ["failed", "rolled_back"]),
                        "format": choice(WebhookConfig.Format.allCases.map(\.rawValue), "The body: json (gantry's payload) or slack ({\"text\": ...}).", default: hook.format.rawValue),
                        "secret_env": envName("The variable holding the signing secret: the HMAC-SHA256 key (for signature: standard, whsec_ followed by the key in base64).", example: "GANTRY_WEBHOOK_SECRET"),
                        "signature": annotated([
                            "enum": WebhookConfig.Signature.allCases.map(\.rawValue),
                            "description": "How deliveries are signed with secret_env, which it needs: gantry (X-Gantry-Signature, the HMAC of the body), standard (Standard Webhooks: webhook-id, webhook-timestamp and webhook-signature, which receivers refuse after 5 minutes) or github (X-Hub-Signature-256).",
                        ] as [String: Any], default: hook.signature.rawValue, example: WebhookConfig.Signature.standard.rawValue),
                        "timeout": described("The limit of one delivery request.", ref("duration"), default: written(hook.timeout)),
                    ], required: ["url"]).merging(["dependentRequired": ["signature": ["secret_env"]] as [String: Any]] as [String: Any]) { first, _ in first },
                    "github": object("Mirrors the environment's deployments into GitHub's deployments API, for its Environments page and pull requests.", [
                        "repo": string("The repository (owner/name) whose deployments mirror this environment's.", example: "acme/app"),
                        "token_env": envName("The variable holding a token with deployments: write.", example: "GITHUB_TOKEN"),
                        "api_url": string("The API's base (default https://api.github.com; GitHub Enterprise: https://HOST/api/v3).", default: "https://api.github.com", example: "https://github.example.com/api/v3"),
                        "environment": string("GitHub's environment name (default: the gantry environment's).", example: "production"),
                        "timeout": described("The limit of one API request.", ref("duration"), default: written(hook.timeout)),
                    ], required: ["repo", "token_env"]),
                ]).merging(["oneOf": [["required": ["webhook"]], ["required": ["github"]]]]) { first, _ in first },
            ] as [String: Any],
            "runner": runner(),
        ]
    }

    static func environment() -> [String: Any] {
        let retry = RetryPolicy.none, preflight = PreflightConfig()
        return object("One place to deploy: its commands, secrets, checks and guards.", [
            "inventory": string("An Ansible inventory (INI, YAML, a directory or a plugin config), relative to gantry.yml, passed to commands as {inventory}.", example: "inventories/production/hosts.ini"),
            "targets": list("Hosts or groups of the inventory to deploy to (default: all of it); without an inventory, the hosts.", example: ["web-1.internal", "web-2.internal"]),
            "secrets": variables("Variables that must be set (preflight) and whose values are masked everywhere.", example: ["DEPLOY_TOKEN"]),
            "public_variables": variables("Variables read through ${VAR} that are not secret, besides the top level's.", example: ["RELEASE_NOTES_URL"]),
            "deploy": described("The command that deploys a release to the targets.", ref("command")),
            "rollback": described("The command that puts the last good release back after a failure; without it a failed deploy is not rolled back.", ref("command")),
            "verify_timeout": described("The limit of a whole verification after a deploy, whatever its checks do.", ref("duration"), default: written(EnvironmentConfig.defaultVerifyTimeout)),
            "check_concurrency": integer("How many checks run at once.", minimum: 1, maximum: 4096, default: EnvironmentConfig.defaultCheckConcurrency, example: 8),
            "check_defaults": described("Timing every check inherits unless it sets its own.", ref("timing")),
            "checks": annotated([
                "type": "array", "description": "Health checks that verify a deploy; each has a name and exactly one kind.", "items": ref("check"),
            ] as [String: Any], default: [] as [Any], example: [["name": "web", "http": ["url": "https://app.example.com/healthz"]] as [String: Any]]),
            "retry": object("Which failures of the deploy command are tried again, and how long to wait between attempts.", [
                "attempts": integer("Attempts of the deploy command in all, the first included.", minimum: 1, maximum: 20, default: retry.attempts, example: 3),
                "backoff": described("The wait before the second attempt; each later wait doubles, up to max_backoff.", ref("duration"), default: written(retry.backoff)),
                "max_backoff": described("The longest wait between two attempts.", ref("duration"), default: written(retry.maxBackoff)),
                "jitter": number("Random share of each wait: 0.2 randomizes it by ±20%.", bounds: ["minimum": 0, "maximum": 1], default: retry.jitter, example: 0.1),
                "retry_on": list("Which failures are retried: timeout, signal or exit:N (without one, none is).", default: [], example: ["timeout", "exit:4"]),
            ]),
            "lock": object("The environment's lock, which lets one deployment run at a time.", [
                "lease": described("How long the lock lasts without renewal, at least 3s; the holder renews it every third of that.", ref("duration"), default: "1m", example: "10m"),
                "supersede": bool("A waiting deployment gives up when a newer one queues behind it.", default: false),
            ]),
            "on_interrupt": choice(["rollback", "leave"], "What SIGINT/SIGTERM does after the deploy command started: roll back to the last good release, or leave the hosts as the command left them.", default: "rollback"),
            "preflight": object("What is checked before the deploy command runs; every failure is listed and nothing is changed.", [
                "reachable_port": integer("Every target must accept TCP on this port (ansible_port wins).", minimum: 1, maximum: 65_535, example: 22),
                "tools": list("Programs that must be on the runner's PATH.", default: [], example: ["ansible-playbook"]),
                "min_free_disk": described("Free space the runner needs in the config's directory.", ref("size"), example: "2GiB"),
                "timeout": described("The limit of each reachability probe.", ref("duration"), default: written(preflight.timeout)),
                "require_rollback": bool("A missing rollback command fails preflight instead of warning.", default: false),
            ]),
            "notify": described("Webhooks and GitHub deployment mirrors told about this environment's deployments, besides the top level's.", ref("notify"), default: [] as [Any], example: notifyExample),
            "rollout": object("Deploys the targets batch by batch, checking each before the next, so a bad release reaches the canary first.", [
                "batches": annotated([
                    "type": "array", "minItems": 1,
                    "description": "Cumulative batch sizes: a number of hosts or a share of them; the first batch is the canary, e.g. [1, \"10%\", \"100%\"].",
                    "items": ["oneOf": [["type": "integer", "minimum": 1], ["type": "string", "pattern": "^([1-9][0-9]?|100)%$"]]],
                ] as [String: Any], example: [1, "10%", "100%"] as [Any]),
                "bake": described("How long each batch but the last stays under watch after its checks pass, before the next starts.", ref("duration"), default: "0s", example: "2m"),
                "pause_timeout": described("How long a paused rollout waits for gantry promote or gantry abort before it aborts by itself.", ref("duration"), default: written(RolloutConfig.defaultPauseTimeout)),
                "on_pause": choice(["wait", "exit"], "While paused: the deploy waits for the decision (wait, the default), or exits 5 leaving the rollout paused for gantry promote/abort (exit).", default: RolloutConfig.OnPause.wait.rawValue),
            ], required: ["batches"]),
            "protect": object("Guards that refuse deploys: freeze windows, a circuit breaker and an incident gate.", [
                "freeze_windows": list("Windows when deploys are refused, e.g. 'Fri 16:00-Mon 08:00 Europe/Berlin'.", default: [], example: ["Fri 16:00-Mon 08:00 Europe/Berlin"]),
                "circuit_breaker": integer("Refuse deploys after this many failures in a row.", minimum: 1, maximum: 100, example: 3),
                "lock_after_rollback": bool("Keep the environment locked after an automatic rollback, so the next push does not repeat the failure.", default: false),
                "alertmanager": object("Refuses deploys while Alertmanager has matching active alerts, and acts on one that fires during a rollout.", [
                    "url": string("Alertmanager's base URL, or a whole ${VAR}.", example: "http://alertmanager.internal:9093"),
                    "matchers": annotated([
                        "type": "array", "minItems": 1, "description": "Label matchers an alert must all match to block deploys, e.g. severity=\"critical\".",
                        "items": ["type": "string", "pattern": "^[a-zA-Z_][a-zA-Z0-9_]*(=|!=|=~|!~)\".*\"$"],
                    ] as [String: Any], example: ["severity=\"critical\"", "env=~\"prod.*\""]),
                    "on_unreachable": choice(["block", "allow"], "What a deploy does when Alertmanager cannot be asked (default block).", default: "block"),
                    "during_rollout": choice(["rollback", "pause"], "What a matching alert that fires during a rollout does (default rollback).", default: "rollback"),
                    "timeout": described("The limit of the query to Alertmanager.", ref("duration"), default: "5s"),
                ], required: ["url", "matchers"]),
            ]),
        ], required: ["deploy"])
    }

    /// The timing keys, of `check_defaults` (`inherited` false: gantry's defaults apply) or of
    /// one check (true: `check_defaults` applies, so no fixed default is written).
    static func timing(inherited: Bool) -> [String: Any] {
        let fixed: CheckTiming? = inherited ? nil : CheckTiming.defaults
        let scope = inherited ? " of this check, instead of check_defaults' value." : ", for every check that sets none."
        return [
            "timeout": described("The limit of one probe attempt\(scope)", ref("duration"), default: fixed?.timeout.map(written), example: "3s"),
            "retries": integer("Attempts after a failed first one\(scope)", minimum: 0, maximum: 100, default: fixed?.retries, example: 5),
            "interval": described("The pause between attempts\(scope)", ref("duration"), default: fixed?.interval.map(written), example: "1s"),
            "start_period": described("The grace period after the deploy during which failures do not count yet\(scope)", ref("duration"), default: fixed?.startPeriod.map(written), example: "10s"),
        ]
    }

    static func check() -> [String: Any] {
        let analysis = AnalysisConfig(), compare = CompareConfig(query: "", baselineQuery: "")
        let kinds: [String: [String: Any]] = [
            "http": object("Passes when a URL answers with the expected status, body and JSON.", [
                "url": string("The URL to request (http:// or https://; {host} probes each target), or a whole ${VAR}.", example: "https://app.example.com/healthz"),
                "method": choice(["GET", "HEAD", "POST", "PUT", "OPTIONS", "get", "head", "post", "put", "options"], "The request's method (default GET).", default: "GET"),
                "expect_status": annotated([
                    "description": "The status that passes, or a list of them (default: any 2xx).",
                    "oneOf": [["type": "integer"], ["type": "string"], ["type": "array", "items": ["oneOf": [["type": "integer"], ["type": "string"]]]]],
                ] as [String: Any], example: [200, 204]),
                "expect_body": string("A substring the body must contain.", example: "ok"),
                "expect_json": annotated([
                    "type": "object", "description": "Dotted paths into the JSON body (items by index) and the values they must have.", "additionalProperties": ["type": "string"],
                ] as [String: Any], default: [String: String](), example: ["status": "up", "checks.database": "ok"]),
                "headers": annotated([
                    "type": "object", "description": "Request headers; their values may read ${VAR} and are masked.", "additionalProperties": ["type": "string"],
                ] as [String: Any], default: [String: String](), example: ["Authorization": "Bearer ${HEALTH_TOKEN}"]),
                "ca_file": string("A PEM bundle of the CAs to trust instead of the system's.", example: "/etc/ssl/certs/internal-ca.pem"),
                "insecure": bool("Skip TLS certificate verification, for a test host with a self-signed certificate.", default: false),
                "follow_redirects": bool("Follow redirects instead of judging the first answer.", default: false),
            ], required: ["url"]),
            "tcp": object("Passes when a TCP connection to host and port succeeds.", [
                "host": string("The host name or address; {host} probes each target.", example: "{host}"),
                "port": integer("The port to connect to.", minimum: 1, maximum: 65_535, example: 22),
            ], required: ["host", "port"]),
            "postgres": object("Passes when PostgreSQL accepts a connection and answers a query.", [
                "url": string("The server: postgres://user@host/db (password through ${VAR}).", example: "postgres://app:${DB_PASSWORD}@db.internal/app"),
                "query": string("A query that must succeed.", default: "SELECT 1", example: "SELECT 1 FROM schema_migrations LIMIT 1"),
                "tls": bool("Require TLS; otherwise the URL's sslmode applies (none: no TLS).", default: false),
            ], required: ["url"]),
            "redis": object("Passes when Redis answers PING with PONG, after AUTH when a password is set.", [
                "host": string("The host name or address; {host} probes each target.", example: "cache.internal"),
                "port": integer("The port to connect to.", minimum: 1, maximum: 65_535, default: 6379, example: 6380),
                "username": string("The ACL user to authenticate as.", example: "app"),
                "password": string("The password as a whole ${VAR}; a literal password is refused.", pattern: "^\\$\\{[A-Za-z_][A-Za-z0-9_]*\\}$", example: "${REDIS_PASSWORD}"),
            ], required: ["host"]),
            "nginx": object("Passes when nginx's stub_status page answers within the limits.", [
                "url": string("The stub_status page (http:// or https://), or a whole ${VAR}.", example: "http://{host}/nginx_status"),
                "max_active": integer("The most active connections that still pass.", minimum: 1, maximum: 10_000_000, example: 2000),
                "fail_on_dropped": bool("Fail when connections were dropped (accepts above handled, worker_connections reached).", default: false),
            ], required: ["url"]),
            "prometheus": [
                "type": "object", "additionalProperties": false,
                "description": "Passes when every sample of an instant PromQL query is within the bounds; with analysis:, it judges a rollout's bakes.",
                "properties": [
                    "url": string("Prometheus' base URL (http:// or https://), or a whole ${VAR}.", example: "http://prometheus.internal:9090"),
                    "query": string("An instant PromQL query; {batch_hosts} in an analysis.", example: "sum(rate(http_requests_total{status=~\"5..\"}[5m]))"),
                    "min": number("The lowest value that passes.", example: 1),
                    "max": number("The highest value that passes.", example: 0.5),
                    "equals": number("The one value that passes.", example: 1),
                    "on_no_data": choice(["fail", "pass"], "What a query that returns no sample counts as.", default: PrometheusProbeConfig.NoData.fail.rawValue),
                    "compare": object("Judges the canary's series against the rest of the fleet's over the same window; only in an analysis.", [
                        "query": string("The canary's series; {batch_hosts} is a regex alternation of the hosts deployed so far.", example: "sum(rate(http_errors_total{instance=~\"{batch_hosts}\"}[1m]))"),
                        "baseline_query": string("The rest of the fleet's series over the same window.", example: "sum(rate(http_errors_total{instance!~\"{batch_hosts}\"}[1m]))"),
                        "min_samples": integer("Points needed on each side; fewer is inconclusive.", minimum: 3, maximum: 100_000, default: compare.minSamples, example: 20),
                        "tolerance": number("A difference (Hodges-Lehmann, in the metric's units) within this never fails.", bounds: ["minimum": 0], default: compare.tolerance, example: 0.01),
                        "fail_on": choice(["increase", "decrease", "either"], "Which way a significant difference fails the canary.", default: compare.failOn.rawValue),
                        "confidence": number("The confidence of the Mann-Whitney U test: 0.98 counts p below 0.02 as significant.", bounds: ["exclusiveMinimum": 0.5, "exclusiveMaximum": 1], default: compare.confidence, example: 0.95),
                        "step": described("The resolution of the range queries.", ref("duration"), default: written(compare.step), example: "15s"),
                    ], required: ["query", "baseline_query"]),
                ] as [String: Any],
                "required": ["url"],
                "oneOf": [["required": ["query"]], ["required": ["compare"]]],
            ] as [String: Any],
            "disk": object("Passes when a filesystem of the machine gantry runs on has enough free space and inodes.", [
                "path": string("A path on the filesystem (default /).", default: "/", example: "/var/lib/postgresql"),
                "min_free": described("The free space that must remain.", ref("size"), example: "10%"),
                "min_free_inodes": described("The free inodes that must remain, as a share or a count.", ref("size"), example: "5%"),
            ]),
            "memory": object("Passes when the machine gantry runs on has enough memory available.", [
                "min_available": described("The available memory (MemAvailable) that must remain.", ref("size"), example: "256MiB"),
            ], required: ["min_available"]),
            "command": described("Passes when a command exits 0; the last lines of its output become the message.", ref("command")),
        ]
        var properties: [String: Any] = [
            "name": string("The check's name, unique in the environment.", example: "web"),
            "analysis": object("Makes this prometheus check an analysis, measured every interval during each bake of a rollout instead of once after the deploy.", [
                "interval": described("The time between two measurements.", ref("duration"), default: written(analysis.interval), example: "30s"),
                "count": integer("Measurements; without it, as many intervals as the bake holds.", minimum: 1, maximum: 10_000, example: 6),
                "failure_limit": integer("Failed measurements tolerated (default 0).", minimum: 0, maximum: 10_000, default: analysis.failureLimit, example: 1),
                "inconclusive_limit": integer("Inconclusive measurements (no data, errors) tolerated before the rollout pauses (default 0).", minimum: 0, maximum: 10_000, default: analysis.inconclusiveLimit, example: 2),
                "consecutive_error_limit": integer("Errors in a row tolerated (default 4).", minimum: 0, maximum: 10_000, default: analysis.consecutiveErrorLimit, example: 2),
            ]),
        ]
        for (key, value) in timing(inherited: true) { properties[key] = value }
        for (kind, schema) in kinds { properties[kind] = schema }
        return [
            "type": "object", "description": "A health check: a name, exactly one kind, and timing of its own.",
            "additionalProperties": false, "required": ["name"], "properties": properties,
            "oneOf": kinds.keys.sorted().map { ["required": [$0]] },
        ]
    }

    static func runner() -> [String: Any] {
        let timeout = described("The limit of one probe of this source.", ref("duration"), default: "2s")
        let sources: [String: [String: Any]] = [
            "prometheus": object("Healthy when every sample of an instant query is within the bounds.", [
                "url": string("Prometheus' base URL, or a whole ${VAR}.", example: "http://127.0.0.1:9090"),
                "query": string("An instant query about the runner.", example: "up{job=\"github-runner\",instance=\"runner-1\"}"),
                "min": number("The lowest value that counts as healthy.", example: 1),
                "max": number("The highest value that counts as healthy.", example: 0.9),
                "equals": number("The one value that counts as healthy; with no min, max or equals, equals 1 applies.", example: 1),
                "timeout": timeout,
            ], required: ["url", "query"]),
            "http": object("Healthy when an endpoint answers 2xx in time.", [
                "url": string("A health endpoint that answers 2xx, or a whole ${VAR}.", example: "http://127.0.0.1:9102/healthz"),
                "timeout": timeout,
            ], required: ["url"]),
            "github": object("Healthy when GitHub's API reports the self-hosted runner online.", [
                "repo": string("The repository (owner/name) the runner is registered to, instead of org.", example: "acme/app"),
                "org": string("The organization the runner is registered to, instead of repo.", example: "acme"),
                "runner": string("The runner's name in GitHub.", example: "runner-1"),
                "token_env": envName("The variable holding a token that may list the runners.", example: "GH_RUNNERS_TOKEN"),
                "api_url": string("The API's base (default https://api.github.com; GitHub Enterprise: https://HOST/api/v3).", default: "https://api.github.com", example: "https://github.example.com/api/v3"),
                "timeout": timeout,
            ], required: ["runner", "token_env"]),
            "local": object("Healthy when the runner has the disk, memory and tools it needs; judged only on the runner gantry runs on.", [
                "min_free_disk": described("The free space that must remain on path.", ref("size"), example: "2GiB"),
                "path": string("The filesystem to judge (default /).", default: "/", example: "/home/runner"),
                "min_available_memory": described("The available memory that must remain.", ref("size"), example: "512MiB"),
                "tools": list("Programs that must be on PATH.", default: [], example: ["ansible-playbook", "git"]),
                "timeout": described("Accepted, but the local checks are bounded by a fixed 5s for now.", ref("duration")),
            ]),
        ]
        var sourceProperties: [String: Any] = [:]
        for (kind, schema) in sources { sourceProperties[kind] = schema }
        let source: [String: Any] = [
            "type": "object", "description": "One health source.", "additionalProperties": false, "properties": sourceProperties,
            "minProperties": 1, "maxProperties": 1,
        ]
        return object("A machine that can run deploys, and how to tell whether it is fit to.", [
            "name": string("The runner's name, unique.", example: "runner-1"),
            "labels": list("Its GitHub Actions labels; a job must list all of them in runs-on.", default: [], example: ["self-hosted", "production"]),
            "priority": integer("The runner's rank in select-runner: lower is preferred.", minimum: 0, maximum: 1000, default: 100, example: 10),
            "require": choice(["all", "any"], "Whether the runner is healthy when all its health sources pass, or when any does.", default: "all"),
            "diag": string("The runner's _diag directory, which gantry diagnose reads.", example: "/home/runner/actions-runner/_diag"),
            "health": annotated([
                "type": "array", "description": "Where the runner's health comes from: one source per entry.", "items": source,
            ] as [String: Any], default: [] as [Any], example: [["http": ["url": "http://127.0.0.1:9102/healthz"]]]),
        ], required: ["name"])
    }

    // MARK: Pieces

    /// A duration as gantry writes it in configuration: `30s`, `5m`, `1h`.
    static func written(_ duration: Duration) -> String { DurationText.canonical(duration) }

    /// `schema` with the reference page's annotations: its default and one example, if given.
    static func annotated(_ schema: [String: Any], default value: Any? = nil, example: Any? = nil) -> [String: Any] {
        var schema = schema
        if let value { schema["default"] = value }
        if let example { schema["examples"] = [example] }
        return schema
    }

    static func object(_ description: String, _ properties: [String: Any], required: [String] = []) -> [String: Any] {
        var schema: [String: Any] = ["type": "object", "description": description, "additionalProperties": false, "properties": properties]
        if !required.isEmpty { schema["required"] = required }
        return schema
    }

    static func string(_ description: String, pattern: String? = nil, default value: String? = nil, example: String) -> [String: Any] {
        var schema: [String: Any] = ["type": "string", "description": description]
        if let pattern { schema["pattern"] = pattern }
        return annotated(schema, default: value, example: example)
    }

    static func choice(_ values: [String], _ description: String, default value: String? = nil) -> [String: Any] {
        annotated(["enum": values, "description": description], default: value)
    }

    static func bool(_ description: String, default value: Bool) -> [String: Any] {
        ["type": "boolean", "description": description, "default": value]
    }

    static func number(_ description: String, bounds: [String: Any] = [:], default value: Double? = nil, example: Double) -> [String: Any] {
        annotated(bounds.merging(["type": "number", "description": description]) { $1 }, default: value, example: example)
    }

    static func integer(_ description: String, minimum: Int, maximum: Int, default value: Int? = nil, example: Int) -> [String: Any] {
        annotated(["type": "integer", "description": description, "minimum": minimum, "maximum": maximum], default: value, example: example)
    }

    /// A list of strings.
    static func list(_ description: String, default value: [String]? = nil, example: [String]) -> [String: Any] {
        annotated(["type": "array", "description": description, "items": ["type": "string"]], default: value, example: example)
    }

    static func ref(_ name: String) -> [String: Any] { ["$ref": "#/$defs/\(name)"] }

    /// `schema` (a `$ref`, usually) with a description, and a default and an example if given.
    static func described(_ description: String, _ schema: [String: Any], default value: Any? = nil, example: Any? = nil) -> [String: Any] {
        annotated(schema.merging(["description": description]) { $1 }, default: value, example: example)
    }

    static func envName(_ description: String, example: String) -> [String: Any] {
        string(description, pattern: "^[A-Za-z_][A-Za-z0-9_]*$", example: example)
    }

    static func variables(_ description: String, example: [String]) -> [String: Any] {
        annotated(["type": "array", "description": description, "items": ["type": "string", "pattern": "^[A-Za-z_][A-Za-z0-9_]*$"]], default: [] as [String], example: example)
    }
}
