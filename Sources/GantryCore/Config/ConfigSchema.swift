import Foundation

/// A JSON Schema (draft 2020-12) of `gantry.yml`, for editors (yaml-language-server) and CI
/// linters. It follows the parser key for key and rejects unknown keys, as the parser does;
/// the parser stays the authority on what the schema cannot say (durations that must be
/// positive, a lease of at least 3s, URLs that must start with a scheme after `${VAR}`
/// expansion).
package enum ConfigSchema {
    /// Where `gantry init` points editors; `gantry schema` prints the same document.
    package static let fileName = "gantry.schema.json"

    package static func document() -> [String: Any] {
        [
            "$schema": "https://json-schema.org/draft/2020-12/schema",
            "$id": "https://gantry.dev/schema/gantry-v1.json",
            "title": "gantry.yml",
            "description": "Gantry's configuration: environments, their deploy and rollback commands, checks, runners, the state store and gantry serve.",
            "type": "object",
            "additionalProperties": false,
            "required": ["version", "environments"],
            "properties": [
                "version": ["const": 1, "description": "The configuration's format; only 1 exists."],
                "state": string("The state store: sqlite:PATH (default sqlite:.gantry/state.db) or postgres://user@host/db, or a whole ${VAR} that holds one.", pattern: "^(sqlite:|postgres://|postgresql://|\\$\\{[A-Za-z_][A-Za-z0-9_]*\\}$)"),
                "public_variables": variables("Variables read through ${VAR} that are not secret: their values are not masked."),
                "metrics": object(["textfile": string("A node_exporter textfile path gantry writes after every deployment.")]),
                "notify": ref("notify"),
                "serve": object([
                    "listen": string("host:port of gantry serve (default 127.0.0.1:9464)."),
                    "token_env": envName("The variable holding the bearer token for /api/v1/status and /metrics."),
                    "require_token": bool("Refuse to start without the token."),
                    "runner_interval": described("How often runners are probed.", ref("duration")),
                    "check_interval": described("How often checks are run.", ref("duration")),
                    "store_interval": described("How often the store is read.", ref("duration")),
                    "unhealthy_after": integer("Failed probes in a row before unhealthy.", minimum: 1, maximum: 100),
                    "healthy_after": integer("Passed probes in a row before healthy again.", minimum: 1, maximum: 100),
                    "idle_timeout": described("Idle connections are closed after this.", ref("duration")),
                    "max_connections": integer("Connections served at once.", minimum: 1, maximum: 100_000),
                ]),
                "runners": ["type": "array", "description": "The machines that can run deploys, for select-runner and the runner gate.", "items": ["$ref": "#/$defs/runner"]],
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

    static func definitions() -> [String: Any] {
        [
            "duration": string("A duration: 500ms, 30s, 1.5s, 5m, 1h, 1h30m, 1d.", pattern: "^([0-9]+(\\.[0-9]+)?(ms|s|m|h|d))+$"),
            "size": string("A size with its unit (4096B, 100MB, 512MiB, 2GiB), or a share of the total (10%) where allowed.", pattern: "^[0-9]+(\\.[0-9]+)? *(([kKmMgGtT][iI]?)?[bB]|%)$"),
            "command": object([
                "command": ["description": "The argv (a list; placeholders {release}, {environment}, {inventory}, {deployment_id}, {targets}, ${VAR}), or one script string with shell: true.",
                            "oneOf": [["type": "array", "items": ["type": "string"], "minItems": 1], ["type": "string", "minLength": 1]]],
                "shell": bool("Run the one script string with /bin/sh -c; placeholders are shell-quoted."),
                "timeout": ref("duration"),
                "grace": ref("duration"),
                "env": ["type": "object", "description": "Extra environment variables for the command.", "propertyNames": ["pattern": "^[A-Za-z_][A-Za-z0-9_]*$"], "additionalProperties": ["type": "string"]],
            ], required: ["command"]),
            "timing": object(timing()),
            "check": check(),
            "environment": environment(),
            "notify": [
                "type": "array", "description": "Webhooks told about deployments (top level: of every environment).",
                "items": object([
                    "webhook": object([
                        "url": string("http(s) URL, or a whole ${VAR} (masked everywhere)."),
                        "on": ["type": "array", "items": ["enum": NotificationEvent.allCases.map(\.rawValue)], "description": "Events (default: started, succeeded, rolled_back, failed, interrupted, paused)."],
                        "format": ["enum": WebhookConfig.Format.allCases.map(\.rawValue), "description": "json (gantry's payload) or slack ({\"text\": ...})."],
                        "secret_env": envName("The variable holding the HMAC-SHA256 key of the X-Gantry-Signature header."),
                        "timeout": ref("duration"),
                    ], required: ["url"]),
                    "github": object([
                        "repo": string("owner/name of the repository whose deployments mirror this environment's."),
                        "token_env": envName("The variable holding a token with deployments: write."),
                        "api_url": string("The API's base (default https://api.github.com; GitHub Enterprise: https://HOST/api/v3)."),
                        "environment": string("GitHub's environment name (default: the gantry environment's)."),
                        "timeout": ref("duration"),
                    ], required: ["repo", "token_env"]),
                ]).merging(["oneOf": [["required": ["webhook"]], ["required": ["github"]]]]) { first, _ in first },
            ] as [String: Any],
            "runner": runner(),
        ]
    }

    static func environment() -> [String: Any] {
        object([
            "inventory": string("An Ansible inventory (INI, YAML, a directory or a plugin config), relative to gantry.yml."),
            "targets": ["type": "array", "description": "Hosts or groups of the inventory (default: all of it); without an inventory, the hosts.", "items": ["type": "string"]],
            "secrets": variables("Variables that must be set (preflight) and whose values are masked everywhere."),
            "public_variables": variables("Variables read through ${VAR} that are not secret."),
            "deploy": ref("command"),
            "rollback": ref("command"),
            "verify_timeout": ref("duration"),
            "check_concurrency": integer("Checks run at once.", minimum: 1, maximum: 4096),
            "check_defaults": ref("timing"),
            "checks": ["type": "array", "items": ref("check")],
            "retry": object([
                "attempts": integer("Attempts of the deploy command in all.", minimum: 1, maximum: 20),
                "backoff": ref("duration"),
                "max_backoff": ref("duration"),
                "jitter": ["type": "number", "minimum": 0, "maximum": 1, "description": "Random share of each wait: 0.2 randomizes it by ±20%."],
                "retry_on": ["type": "array", "description": "Which failures are retried, e.g. timeout, exit:4.", "items": ["type": "string"]],
            ]),
            "lock": object([
                "lease": ref("duration"),
                "supersede": bool("A waiting deployment gives up when a newer one queues behind it."),
            ]),
            "on_interrupt": ["enum": ["rollback", "leave"], "description": "What SIGINT/SIGTERM does after the deploy command started."],
            "preflight": object([
                "reachable_port": integer("Every target must accept TCP on this port (ansible_port wins).", minimum: 1, maximum: 65_535),
                "tools": ["type": "array", "items": ["type": "string"]],
                "min_free_disk": ref("size"),
                "timeout": ref("duration"),
                "require_rollback": bool("A missing rollback command fails preflight."),
            ]),
            "notify": ref("notify"),
            "rollout": object([
                "batches": ["type": "array", "minItems": 1,
                            "description": "Cumulative batch sizes: a number of hosts or a share of them; the first batch is the canary, e.g. [1, \"10%\", \"100%\"].",
                            "items": ["oneOf": [["type": "integer", "minimum": 1], ["type": "string", "pattern": "^([1-9][0-9]?|100)%$"]]]],
                "bake": ref("duration"),
                "pause_timeout": ref("duration"),
                "on_pause": ["enum": ["wait", "exit"], "description": "While paused: the deploy waits for the decision (wait, the default), or exits 5 leaving the rollout paused for gantry promote/abort (exit)."],
            ], required: ["batches"]),
            "protect": object([
                "freeze_windows": ["type": "array", "description": "Windows when deploys are refused, e.g. 'Fri 16:00-Mon 08:00 Europe/Berlin'.", "items": ["type": "string"]],
                "circuit_breaker": integer("Refuse deploys after this many failures in a row.", minimum: 1, maximum: 100),
                "lock_after_rollback": bool("Keep the environment locked after an automatic rollback."),
                "alertmanager": object([
                    "url": string("Alertmanager's base URL, or a whole ${VAR}."),
                    "matchers": ["type": "array", "minItems": 1, "description": "Label matchers an alert must all match to block deploys, e.g. severity=\"critical\".",
                                 "items": ["type": "string", "pattern": "^[a-zA-Z_][a-zA-Z0-9_]*(=|!=|=~|!~)\".*\"$"]],
                    "on_unreachable": ["enum": ["block", "allow"], "description": "What a deploy does when Alertmanager cannot be asked (default block)."],
                    "during_rollout": ["enum": ["rollback", "pause"], "description": "What a matching alert that fires during a rollout does (default rollback)."],
                    "timeout": ref("duration"),
                ], required: ["url", "matchers"]),
            ]),
        ], required: ["deploy"])
    }

    static func timing() -> [String: Any] {
        [
            "timeout": ref("duration"),
            "retries": integer("Attempts after the first.", minimum: 0, maximum: 100),
            "interval": ref("duration"),
            "start_period": ref("duration"),
        ]
    }

    static func check() -> [String: Any] {
        let url = string("A URL (http:// or https://), or a whole ${VAR}.")
        let kinds: [String: [String: Any]] = [
            "http": object([
                "url": url, "method": ["enum": ["GET", "HEAD", "POST", "PUT", "OPTIONS", "get", "head", "post", "put", "options"]],
                "expect_status": ["description": "A status, a list of them, or a class such as 2xx.", "oneOf": [["type": "integer"], ["type": "string"], ["type": "array", "items": ["oneOf": [["type": "integer"], ["type": "string"]]]]]],
                "expect_body": string("A substring the body must contain."),
                "expect_json": ["type": "object", "description": "JSON paths and the values they must have.", "additionalProperties": ["type": "string"]],
                "headers": ["type": "object", "additionalProperties": ["type": "string"]],
                "ca_file": string("A CA bundle to trust."), "insecure": bool("Skip TLS verification."), "follow_redirects": bool("Follow redirects."),
            ], required: ["url"]),
            "tcp": object(["host": string("Host name or address; {host} for each target."), "port": integer("Port.", minimum: 1, maximum: 65_535)], required: ["host", "port"]),
            "postgres": object(["url": string("postgres://user@host/db (password through ${VAR})."), "query": string("A query that must succeed."), "tls": bool("Require TLS.")], required: ["url"]),
            "redis": object([
                "host": string("Host name or address."), "port": integer("Port.", minimum: 1, maximum: 65_535),
                "username": string("ACL user."), "password": string("A whole ${VAR}; a literal password is refused.", pattern: "^\\$\\{[A-Za-z_][A-Za-z0-9_]*\\}$"),
            ], required: ["host"]),
            "nginx": object(["url": url, "max_active": integer("Most active connections.", minimum: 1, maximum: 10_000_000), "fail_on_dropped": bool("Fail when connections were dropped.")], required: ["url"]),
            "prometheus": [
                "type": "object", "additionalProperties": false,
                "properties": [
                    "url": url, "query": string("An instant PromQL query; {batch_hosts} in an analysis."),
                    "min": number(), "max": number(), "equals": number(),
                    "on_no_data": ["enum": ["fail", "pass"]],
                    "compare": object([
                        "query": string("The canary's series; {batch_hosts} is a regex alternation of the hosts deployed so far."),
                        "baseline_query": string("The rest of the fleet's series over the same window."),
                        "min_samples": integer("Points needed on each side; fewer is inconclusive.", minimum: 3, maximum: 100_000),
                        "tolerance": ["type": "number", "minimum": 0, "description": "A difference (Hodges-Lehmann, in the metric's units) within this never fails."],
                        "fail_on": ["enum": ["increase", "decrease", "either"]],
                        "confidence": ["type": "number", "exclusiveMinimum": 0.5, "exclusiveMaximum": 1],
                        "step": ref("duration"),
                    ], required: ["query", "baseline_query"]),
                ] as [String: Any],
                "required": ["url"],
                "oneOf": [["required": ["query"]], ["required": ["compare"]]],
            ] as [String: Any],
            "disk": object(["path": string("A path on the filesystem (default /)."), "min_free": ref("size"), "min_free_inodes": ref("size")]),
            "memory": object(["min_available": ref("size")], required: ["min_available"]),
            "command": ref("command"),
        ]
        var properties: [String: Any] = [
            "name": string("The check's name, unique in the environment."),
            "analysis": object([
                "interval": ref("duration"),
                "count": integer("Measurements; without it, as many intervals as the bake holds.", minimum: 1, maximum: 10_000),
                "failure_limit": integer("Failed measurements tolerated (default 0).", minimum: 0, maximum: 10_000),
                "inconclusive_limit": integer("Inconclusive measurements (no data, errors) tolerated before the rollout pauses (default 0).", minimum: 0, maximum: 10_000),
                "consecutive_error_limit": integer("Errors in a row tolerated (default 4).", minimum: 0, maximum: 10_000),
            ]),
        ]
        for (key, value) in timing() { properties[key] = value }
        for (kind, schema) in kinds { properties[kind] = schema }
        return [
            "type": "object", "additionalProperties": false, "required": ["name"], "properties": properties,
            "oneOf": kinds.keys.sorted().map { ["required": [$0]] },
        ]
    }

    static func runner() -> [String: Any] {
        let sources: [String: [String: Any]] = [
            "prometheus": object(["url": string("Prometheus' base URL."), "query": string("An instant query."), "min": number(), "max": number(), "equals": number(), "timeout": ref("duration")], required: ["url", "query"]),
            "http": object(["url": string("A health endpoint that answers 2xx."), "timeout": ref("duration")], required: ["url"]),
            "github": object([
                "repo": string("owner/name"), "org": string("An organization."), "runner": string("The runner's name in GitHub."),
                "token_env": envName("The variable holding the token."), "api_url": string("The API base (GitHub Enterprise)."), "timeout": ref("duration"),
            ], required: ["runner", "token_env"]),
            "local": object(["min_free_disk": ref("size"), "path": string("The filesystem to judge (default /)."), "min_available_memory": ref("size"), "tools": ["type": "array", "items": ["type": "string"]], "timeout": ref("duration")]),
        ]
        var sourceProperties: [String: Any] = [:]
        for (kind, schema) in sources { sourceProperties[kind] = schema }
        let source: [String: Any] = [
            "type": "object", "additionalProperties": false, "properties": sourceProperties,
            "minProperties": 1, "maxProperties": 1,
        ]
        return object([
            "name": string("The runner's name, unique."),
            "labels": ["type": "array", "description": "Its GitHub Actions labels.", "items": ["type": "string"]],
            "priority": integer("Lower is preferred.", minimum: 0, maximum: 1000),
            "require": ["enum": ["all", "any"]],
            "diag": string("The runner's _diag directory, which gantry diagnose reads."),
            "health": ["type": "array", "items": source],
        ], required: ["name"])
    }

    // MARK: Pieces

    static func object(_ properties: [String: Any], required: [String] = []) -> [String: Any] {
        var schema: [String: Any] = ["type": "object", "additionalProperties": false, "properties": properties]
        if !required.isEmpty { schema["required"] = required }
        return schema
    }

    static func string(_ description: String, pattern: String? = nil) -> [String: Any] {
        var schema: [String: Any] = ["type": "string", "description": description]
        if let pattern { schema["pattern"] = pattern }
        return schema
    }

    static func bool(_ description: String) -> [String: Any] { ["type": "boolean", "description": description] }
    static func number() -> [String: Any] { ["type": "number"] }

    static func integer(_ description: String, minimum: Int, maximum: Int) -> [String: Any] {
        ["type": "integer", "description": description, "minimum": minimum, "maximum": maximum]
    }

    static func ref(_ name: String) -> [String: Any] { ["$ref": "#/$defs/\(name)"] }

    static func described(_ description: String, _ schema: [String: Any]) -> [String: Any] {
        schema.merging(["description": description]) { $1 }
    }

    static func envName(_ description: String) -> [String: Any] { string(description, pattern: "^[A-Za-z_][A-Za-z0-9_]*$") }

    static func variables(_ description: String) -> [String: Any] {
        ["type": "array", "description": description, "items": ["type": "string", "pattern": "^[A-Za-z_][A-Za-z0-9_]*$"]]
    }
}
