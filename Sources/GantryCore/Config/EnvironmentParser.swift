import Yams

/// Reads one entry of `environments:`. Keeps track of every variable read through `${VAR}`
/// so the masker can hide its value later, unless the config declares it public.
final class EnvironmentParser {
    let reader: YAMLReader
    let name: String
    let path: ConfigKeyPath
    /// Variables the config says are not secret (top level and this environment).
    private var publicVariables: Set<String>
    private var credentialVariables: Set<String> = []
    private var credentialURLs: [String] = []

    init(reader: YAMLReader, name: String, path: ConfigKeyPath, publicVariables: Set<String> = []) {
        self.reader = reader
        self.name = name
        self.path = path
        self.publicVariables = publicVariables
    }

    func parse(_ node: Node) -> EnvironmentConfig? {
        guard let fields = reader.fields(node, at: path) else { return nil }
        fields.notYetSupported(
            ["verify_on_skip"],
            note: "planned; remove it for now"
        )
        publicVariables.formUnion(ConfigParser.variableNames(fields, key: "public_variables", reader: reader))
        let inventory = fields.string("inventory")
        let targets = fields.stringList("targets") ?? []
        let secrets = fields.stringList("secrets") ?? []
        if let secretsNode = fields.node("secrets") {
            for (offset, secret) in secrets.enumerated() where !Interpolation.isValidName(secret) {
                reader.fail(secretsNode.sequence?[offset] ?? secretsNode, path.key("secrets").index(offset),
                            "'\(secret)' is not an environment variable name", hint: "list variable names, never values")
            }
        }
        let deploy = command(fields, key: "deploy", required: true)
        let rollback = command(fields, key: "rollback", required: false)
        let verifyTimeout = fields.duration("verify_timeout") ?? EnvironmentConfig.defaultVerifyTimeout
        let concurrency = fields.int("check_concurrency", range: 1...4096) ?? EnvironmentConfig.defaultCheckConcurrency
        let retry = fields.fields("retry").map(retryPolicy) ?? .none
        var lease = Duration.seconds(60)
        var supersede = false
        if let lock = fields.fields("lock") {
            if let value = lock.duration("lease") {
                if value < .seconds(3), let node = lock.node("lease") {
                    reader.fail(node, lock.path.key("lease"), "must be at least 3s", hint: "the holder renews it every third of its length")
                } else {
                    lease = value
                }
            }
            supersede = lock.bool("supersede") ?? false
            lock.finish()
        }
        var rollbackOnInterrupt = true
        if let text = fields.string("on_interrupt"), let node = fields.node("on_interrupt") {
            switch text {
            case "rollback": rollbackOnInterrupt = true
            case "leave": rollbackOnInterrupt = false
            default: reader.fail(node, path.key("on_interrupt"), "'\(text)' is not rollback or leave")
            }
        }
        var preflight = PreflightConfig()
        if let block = fields.fields("preflight") {
            preflight.reachablePort = block.int("reachable_port", range: 1...65_535)
            preflight.tools = block.stringList("tools") ?? []
            preflight.minFreeDisk = block.size("min_free_disk", allowPercent: true)
            preflight.timeout = block.duration("timeout") ?? preflight.timeout
            preflight.requireRollback = block.bool("require_rollback") ?? false
            block.finish()
        }
        var freezeWindows: [FreezeWindow] = []
        var circuitBreaker: Int?
        var lockAfterRollback = false
        var alertGate: AlertGateConfig?
        if let protect = fields.fields("protect") {
            protect.notYetSupported(["block_on_alerts"], note: "planned; remove it for now")
            if let texts = protect.stringList("freeze_windows"), let node = protect.node("freeze_windows") {
                for (offset, text) in texts.enumerated() {
                    switch FreezeWindow.parse(text) {
                    case .success(let window): freezeWindows.append(window)
                    case .failure(let error): reader.fail(node.sequence?[offset] ?? node, protect.path.key("freeze_windows").index(offset), error.message)
                    }
                }
            }
            circuitBreaker = protect.int("circuit_breaker", range: 1...100)
            lockAfterRollback = protect.bool("lock_after_rollback") ?? false
            if let gate = protect.fields("alertmanager") {
                alertGate = alertGateConfig(gate)
                gate.finish()
            }
            protect.finish()
        }
        let notify = fields.value("notify").map { webhooks($0, at: path.key("notify")) } ?? []
        var rollout: RolloutConfig?
        if let block = fields.fields("rollout") {
            rollout = rolloutConfig(block)
            block.finish()
        }
        var defaults = CheckTiming.defaults
        if let defaultFields = fields.fields("check_defaults") {
            defaults = CheckParser.timing(defaultFields).merged(over: .defaults)
            defaultFields.finish()
        }
        var checks: [CheckConfig] = []
        if let checkNodes = fields.value("checks").flatMap({ reader.sequence($0, at: path.key("checks")) }) {
            var names: Set<String> = []
            for (offset, checkNode) in checkNodes.enumerated() {
                let checkPath = path.key("checks").index(offset)
                let parser = CheckParser(reader: reader, path: checkPath, environment: self)
                guard let check = parser.parse(checkNode, defaults: defaults) else { continue }
                if !names.insert(check.name).inserted {
                    reader.fail(checkNode, checkPath.key("name"), "another check is already called '\(check.name)'")
                }
                checks.append(check)
            }
        }
        fields.finish()
        guard let deploy else { return nil }
        var environment = EnvironmentConfig(
            name: name, inventory: inventory, targets: targets, secrets: secrets, deploy: deploy, rollback: rollback,
            checks: checks, checkDefaults: defaults, verifyTimeout: verifyTimeout, checkConcurrency: concurrency,
            lease: lease, supersede: supersede, retry: retry, rollbackOnInterrupt: rollbackOnInterrupt,
            credentialVariables: credentialVariables, credentialURLs: credentialURLs
        )
        environment.preflight = preflight
        environment.freezeWindows = freezeWindows
        environment.alertGate = alertGate
        environment.circuitBreaker = circuitBreaker
        environment.lockAfterRollback = lockAfterRollback
        environment.rollout = rollout
        environment.notify = notify
        return environment
    }

    /// `notify: [ { webhook: { url, on, format, secret_env, signature, timeout } } ]`. The URL is a
    /// credential (a Slack webhook's URL is its secret): `${VAR}` in it is masked everywhere.
    func webhooks(_ node: Node, at listPath: ConfigKeyPath) -> [WebhookConfig] {
        guard let items = reader.sequence(node, at: listPath) else { return [] }
        var hooks: [WebhookConfig] = []
        for (offset, item) in items.enumerated() {
            let itemPath = listPath.index(offset)
            guard let entry = reader.fields(item, at: itemPath) else { continue }
            defer { entry.finish() }
            if let github = entry.fields("github") {
                defer { github.finish() }
                if entry.node("webhook") != nil { reader.fail(item, itemPath, "has both webhook and github; an entry is one of them") }
                if let mirror = githubMirror(github) { hooks.append(mirror) }
                continue
            }
            guard let fields = entry.fields("webhook", required: true) else { continue }
            defer { fields.finish() }
            guard let url = fields.string("url", required: true), let urlNode = fields.node("url") else { continue }
            validateInterpolation(url, node: urlNode, path: fields.path.key("url"), credential: true, isURL: true)
            if Interpolation.references(in: url).isEmpty, !(url.hasPrefix("http://") || url.hasPrefix("https://")) {
                reader.fail(urlNode, fields.path.key("url"), "'\(url)' is not an http:// or https:// URL", hint: "or a whole ${VAR} that holds one")
            }
            var hook = WebhookConfig(url: url)
            if let names = fields.stringList("on"), let onNode = fields.node("on") {
                var events: [NotificationEvent] = []
                for (index, name) in names.enumerated() {
                    if let event = NotificationEvent(rawValue: name) { events.append(event) } else {
                        reader.fail(onNode.sequence?[index] ?? onNode, fields.path.key("on").index(index), "'\(name)' is not an event",
                                    hint: "events: \(NotificationEvent.allCases.map(\.rawValue).joined(separator: ", "))")
                    }
                }
                hook.events = events
            }
            if let text = fields.string("format"), let formatNode = fields.node("format") {
                if let format = WebhookConfig.Format(rawValue: text) { hook.format = format } else {
                    reader.fail(formatNode, fields.path.key("format"), "'\(text)' is not json or slack")
                }
            }
            if let variable = fields.string("secret_env"), let secretNode = fields.node("secret_env") {
                if Interpolation.isValidName(variable) {
                    hook.secretEnv = variable
                    credentialVariables.insert(variable)
                } else {
                    reader.fail(secretNode, fields.path.key("secret_env"), "'\(variable)' is not an environment variable name", hint: "name the variable that holds the signing key, never the key")
                }
            }
            // The secret's form (`whsec_` + base64 for standard) is judged where its value is
            // readable: preflight (`WebhookSecretCheck`) and each delivery.
            if let text = fields.string("signature"), let signatureNode = fields.node("signature") {
                if let signature = WebhookConfig.Signature(rawValue: text) {
                    hook.signature = signature
                    if fields.value("secret_env") == nil {
                        let form = signature == .standard ? " (whsec_ followed by the key in base64)" : ""
                        reader.fail(
                            signatureNode, fields.path.key("signature"), "signature: \(text) needs secret_env",
                            hint: "secret_env: NAME names the variable that holds the signing secret\(form), never the secret"
                        )
                    }
                } else {
                    reader.fail(
                        signatureNode, fields.path.key("signature"), "'\(text)' is not gantry, standard or github",
                        hint: "gantry: X-Gantry-Signature (the default); standard: Standard Webhooks; github: X-Hub-Signature-256"
                    )
                }
            }
            hook.timeout = fields.duration("timeout") ?? hook.timeout
            hooks.append(hook)
        }
        return hooks
    }

    /// `github: { repo, token_env, api_url, environment, timeout }`: the deployments mirror.
    func githubMirror(_ fields: YAMLFields) -> WebhookConfig? {
        let repo = fields.string("repo", required: true)
        if let repo, repo.split(separator: "/").count != 2 || repo.contains(" "), let node = fields.node("repo") {
            reader.fail(node, fields.path.key("repo"), "'\(repo)' is not owner/name")
        }
        let tokenEnv = fields.string("token_env", required: true)
        if let tokenEnv, let node = fields.node("token_env") {
            if Interpolation.isValidName(tokenEnv) { credentialVariables.insert(tokenEnv) } else {
                reader.fail(node, fields.path.key("token_env"), "'\(tokenEnv)' is not an environment variable name", hint: "name the variable that holds the token, never the token")
            }
        }
        var api = "https://api.github.com"
        if let url = fields.string("api_url"), let node = fields.node("api_url") {
            validateInterpolation(url, node: node, path: fields.path.key("api_url"), credential: false, isURL: true)
            if !url.hasPrefix("${"), !url.hasPrefix("http://"), !url.hasPrefix("https://") {
                reader.fail(node, fields.path.key("api_url"), "'\(url)' does not start with http:// or https://", hint: "GitHub Enterprise: https://HOST/api/v3")
            }
            api = url
        }
        guard let repo, let tokenEnv else { return nil }
        var mirror = WebhookConfig(url: api, events: GitHubMirror.events)
        mirror.github = GitHubMirror(repo: repo, tokenEnv: tokenEnv, environment: fields.string("environment"))
        mirror.timeout = fields.duration("timeout") ?? mirror.timeout
        return mirror
    }

    /// What this parser learned must be masked: for a top-level block read through it.
    var maskedSoFar: (variables: Set<String>, urls: [String]) { (credentialVariables, credentialURLs) }

    /// `rollout: { batches: [1, "10%", "100%"], bake: 2m }`; sizes of one kind must grow.
    func rolloutConfig(_ fields: YAMLFields) -> RolloutConfig? {
        let bake = fields.duration("bake", allowZero: true) ?? .zero
        let pauseTimeout = fields.duration("pause_timeout") ?? RolloutConfig.defaultPauseTimeout
        let listPath = fields.path.key("batches")
        guard let node = fields.value("batches", required: true), let items = reader.sequence(node, at: listPath) else { return nil }
        guard !items.isEmpty else {
            reader.fail(node, listPath, "must list at least one batch", hint: "batches: [1, \"10%\", \"100%\"] deploys one canary, then a tenth of the hosts, then the rest")
            return nil
        }
        var sizes: [RolloutConfig.Size] = []
        var lastHosts = 0
        var lastShare = 0
        for (offset, item) in items.enumerated() {
            let itemPath = listPath.index(offset)
            let text = (item.scalar?.string ?? "").trimmingWhitespace()
            let size: RolloutConfig.Size
            if text.hasSuffix("%"), let share = Int(text.dropLast()), (1...100).contains(share) {
                size = .percent(share)
            } else if item.scalar?.style == .plain, let count = Int(text), count >= 1 {
                size = .hosts(count)
            } else {
                reader.fail(item, itemPath, "\(item.describedValue) is not a number of hosts (such as 1) or a share of them (such as \"10%\", up to \"100%\")")
                continue
            }
            switch size {
            case .hosts(let count):
                if count <= lastHosts { reader.fail(item, itemPath, "\(count) hosts does not reach beyond the \(lastHosts) of an earlier batch", hint: "sizes are cumulative: each batch says how many hosts run the release once it is done") }
                lastHosts = max(lastHosts, count)
            case .percent(let share):
                if share <= lastShare { reader.fail(item, itemPath, "\(share)% does not reach beyond the \(lastShare)% of an earlier batch", hint: "sizes are cumulative: each batch says what share of the hosts runs the release once it is done") }
                lastShare = max(lastShare, share)
            }
            sizes.append(size)
        }
        var onPause = RolloutConfig.OnPause.wait
        if let text = fields.string("on_pause"), let node = fields.node("on_pause") {
            if let value = RolloutConfig.OnPause(rawValue: text) { onPause = value } else {
                reader.fail(node, fields.path.key("on_pause"), "'\(text)' is not wait or exit")
            }
        }
        return RolloutConfig(batches: sizes, bake: bake, pauseTimeout: pauseTimeout, onPause: onPause)
    }

    /// `retry: { attempts, backoff, max_backoff, jitter, retry_on }`.
    func retryPolicy(_ fields: YAMLFields) -> RetryPolicy {
        var policy = RetryPolicy()
        policy.attempts = fields.int("attempts", range: 1...20) ?? 1
        policy.backoff = fields.duration("backoff", allowZero: true) ?? policy.backoff
        policy.maxBackoff = fields.duration("max_backoff", allowZero: true) ?? policy.maxBackoff
        if let jitter = fields.double("jitter") {
            if (0...1).contains(jitter) { policy.jitter = jitter } else if let node = fields.node("jitter") {
                reader.fail(node, fields.path.key("jitter"), "must be between 0 and 1", hint: "0.2 randomizes each wait by ±20%")
            }
        }
        if let conditions = fields.stringList("retry_on"), let node = fields.node("retry_on") {
            for (offset, text) in conditions.enumerated() {
                if let condition = RetryPolicy.Condition.parse(text) {
                    policy.retryOn.append(condition)
                } else {
                    reader.fail(node.sequence?[offset] ?? node, fields.path.key("retry_on").index(offset), "'\(text)' is not a retryable failure",
                                hint: "use timeout, signal or exit:N")
                }
            }
        }
        if policy.attempts > 1, policy.retryOn.isEmpty {
            reader.fail(fields.node, fields.path, "allows \(policy.attempts) attempts but retries nothing", hint: "add retry_on: [timeout, exit:4]")
        }
        fields.finish()
        return policy
    }

    /// A `deploy:`/`rollback:`-shaped command under `key` of `fields`.
    func command(_ fields: YAMLFields, key: String, required: Bool) -> CommandConfig? {
        guard let commandFields = fields.fields(key, required: required) else { return nil }
        let result = command(commandFields)
        commandFields.finish()
        return result
    }

    /// The fields of a command mapping: `command`, `shell`, `timeout`, `grace`, `env`.
    func command(_ fields: YAMLFields) -> CommandConfig? {
        let shell = fields.bool("shell") ?? false
        let timeout = fields.duration("timeout") ?? CommandConfig.defaultTimeout
        let grace = fields.duration("grace") ?? CommandConfig.defaultGrace
        var environment: [String: String] = [:]
        if let env = fields.stringMap("env") {
            for (key, value) in env {
                if !Interpolation.isValidName(key), let node = fields.node("env") {
                    reader.fail(node, fields.path.key("env").key(key), "'\(key)' is not an environment variable name")
                }
                environment[key] = value
            }
        }
        let commandPath = fields.path.key("command")
        guard let node = fields.value("command", required: true) else { return nil }
        var argv: [String]
        if node.scalar != nil {
            guard shell else {
                reader.fail(node, commandPath, "is a single string, but commands run without a shell",
                            hint: "write a list of arguments, e.g. [ansible-playbook, deploy.yml], or set shell: true")
                return nil
            }
            guard let script = reader.nonEmptyString(node, at: commandPath) else { return nil }
            argv = [script]
        } else {
            guard let list = reader.stringList(node, at: commandPath, allowEmpty: false) else { return nil }
            argv = list
            if shell, list.count != 1 {
                reader.fail(node, commandPath, "with shell: true the command is one script string", hint: "write command: \"make deploy VERSION={release}\"")
                return nil
            }
        }
        if argv[0].trimmingWhitespace().isEmpty {
            reader.fail(node, commandPath.index(0), "the program name is empty")
            return nil
        }
        for (offset, argument) in argv.enumerated() {
            validateInterpolation(argument, node: node.sequence?[offset] ?? node, path: commandPath.index(offset), credential: false)
        }
        for (key, value) in environment {
            validateInterpolation(value, node: fields.node("env") ?? node, path: fields.path.key("env").key(key), credential: true)
        }
        return CommandConfig(argv: argv, shell: shell, timeout: timeout, grace: grace, environment: environment)
    }

    /// `protect.alertmanager: { url, matchers, on_unreachable, timeout }`.
    func alertGateConfig(_ fields: YAMLFields) -> AlertGateConfig? {
        let url = fields.string("url", required: true)
        if let url, let node = fields.node("url") {
            validateInterpolation(url, node: node, path: fields.path.key("url"), credential: true, isURL: true)
            if !url.hasPrefix("${"), !url.hasPrefix("http://"), !url.hasPrefix("https://") {
                reader.fail(node, fields.path.key("url"), "'\(url)' does not start with http:// or https://")
            }
        }
        let matchers = fields.stringList("matchers") ?? []
        if let node = fields.node("matchers") {
            if matchers.isEmpty {
                reader.fail(node, fields.path.key("matchers"), "lists no matchers", hint: "e.g. ['severity=\"critical\"', 'env=\"production\"']: without one every alert would block deploys")
            }
            for (offset, matcher) in matchers.enumerated() where !AlertGateConfig.isMatcher(matcher) {
                reader.fail(node.sequence?[offset] ?? node, fields.path.key("matchers").index(offset), "'\(matcher)' is not a label matcher", hint: "write name=\"value\", name!=\"value\", name=~\"regex\" or name!~\"regex\"")
            }
        } else if let node = fields.node("url") {
            reader.fail(node, fields.path.key("matchers"), "is missing", hint: "name the alerts that block deploys, e.g. matchers: ['severity=\"critical\"']")
        }
        var onUnreachable = AlertGateConfig.OnUnreachable.block
        if let text = fields.string("on_unreachable"), let node = fields.node("on_unreachable") {
            if let value = AlertGateConfig.OnUnreachable(rawValue: text) { onUnreachable = value } else {
                reader.fail(node, fields.path.key("on_unreachable"), "'\(text)' is not block or allow")
            }
        }
        let timeout = fields.duration("timeout") ?? .seconds(5)
        var duringRollout = AlertGateConfig.DuringRollout.rollback
        if let text = fields.string("during_rollout"), let node = fields.node("during_rollout") {
            if let value = AlertGateConfig.DuringRollout(rawValue: text) { duringRollout = value } else {
                reader.fail(node, fields.path.key("during_rollout"), "'\(text)' is not rollback or pause")
            }
        }
        guard let url else { return nil }
        return AlertGateConfig(url: url, matchers: matchers, onUnreachable: onUnreachable, timeout: timeout, duringRollout: duringRollout)
    }

    /// Checks the `${VAR}` syntax of `text` and remembers the variables it reads so their
    /// values are masked: every variable, unless it is declared in `public_variables` (a
    /// credential field masks even those), and a credential URL so its password part is.
    func validateInterpolation(_ text: String, node: Node, path: ConfigKeyPath, credential: Bool, isURL: Bool = false) {
        switch Interpolation.pieces(of: text) {
        case .failure(let error):
            reader.fail(node, path, error.message, hint: "write ${NAME}, or $${ for a literal '${'")
        case .success:
            let references = Interpolation.references(in: text)
            credentialVariables.formUnion(credential ? references : references.filter { !publicVariables.contains($0) })
            if credential, isURL { credentialURLs.append(text) }
        }
    }
}
