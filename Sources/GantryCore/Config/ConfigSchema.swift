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

    static func document() -> [String: Any] {
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
                "on_retry": choice(["nothing", "rollback"], "What runs before each further attempt: nothing, or the rollback command to the last good release, whose checks must pass (a way back that fails ends the deploy rollback_failed). Not with rollout:.", default: RetryPolicy.BetweenAttempts.nothing.rawValue),
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
                    "description": "Cumulative batch sizes: a number of hosts or a share of them; the first batch is the canary, e.g. [1, \"10%\", \"100%\"]. Between two sizes, a pause step holds the rollout: pause (until gantry promote; pause_timeout still bounds it) or pause: 10m (that long, then on by itself).",
                    "items": ["oneOf": [
                        ["type": "integer", "minimum": 1], ["type": "string", "pattern": "^([1-9][0-9]?|100)%$"], ["const": "pause"],
                        ["type": "object", "additionalProperties": false, "required": ["pause"], "properties": ["pause": ["oneOf": [["$ref": "#/$defs/duration"], ["type": "null"], ["type": "object", "maxProperties": 0]]]]],
                    ]],
                ] as [String: Any], example: [1, "10%", "100%"] as [Any]),
                "bake": described("How long each batch but the last stays under watch after its checks pass, before the next starts.", ref("duration"), default: "0s", example: "2m"),
                "pause_timeout": described("How long a paused rollout waits for gantry promote or gantry abort before it aborts by itself.", ref("duration"), default: written(RolloutConfig.defaultPauseTimeout)),
                "on_pause": choice(["wait", "exit"], "While paused: the deploy waits for the decision (wait, the default), or exits 5 leaving the rollout paused for gantry promote/abort (exit).", default: RolloutConfig.OnPause.wait.rawValue),
            ], required: ["batches"]),
            "promote_from": object("A release reaches this environment only after it was verified in another one and stayed its current release for the soak (refused: not_promoted; gantry deploy --skip-promotion --reason TEXT deploys anyway, recorded).", [
                "environment": string("The environment a release must have been verified in first, e.g. staging.", example: "staging"),
                "soak": described("How long it must have stayed that environment's current release, with no failed check or rollback of it there since.", ref("duration"), default: "0s", example: "30m"),
            ], required: ["environment"]),
            "approvals": object("A release reaches this environment only with signed approvals (gantry approve) by people other than its deployer, for this configuration file (refused: not_approved; gantry deploy --skip-promotion --reason TEXT deploys anyway, recorded).", [
                "required": integer("How many people other than the deployer must have approved.", minimum: 1, maximum: 10, default: 1, example: 2),
                "allowed_signers": string("An OpenSSH allowed_signers file (the format of git's gpg.ssh.allowedSignersFile), relative to this file: whose SSH keys may approve, each line's principals naming the person (list their GitHub login for the four-eyes rule).", example: "ops/allowed_signers"),
                "ttl": described("How long an approval counts after it was signed.", ref("duration"), default: "24h"),
            ], required: ["allowed_signers"]),
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
