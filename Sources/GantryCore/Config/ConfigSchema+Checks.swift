/// The schema of a check (each probe kind, its analysis) and of a runner (its health
/// sources): the two largest definitions, apart from the document's skeleton.
extension ConfigSchema {
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
}
