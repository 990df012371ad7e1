import Yams

/// Reads one entry of `environments:`. Keeps track of every variable read through `${VAR}`
/// so the masker can hide its value later, unless the config declares it public.
final class EnvironmentParser {
    let reader: YAMLReader
    let name: String
    let path: ConfigKeyPath
    /// Variables the config says are not secret (top level and this environment).
    var publicVariables: Set<String>
    var credentialVariables: Set<String> = []
    var credentialURLs: [String] = []

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
        var promoteFrom: PromotionConfig?
        if let block = fields.fields("promote_from") {
            if let source = block.string("environment", required: true) {
                promoteFrom = PromotionConfig(environment: source, soak: block.duration("soak", allowZero: true) ?? .zero)
            }
            block.finish()
        }
        let approvals = fields.fields("approvals").flatMap(approvalsConfig)
        let notify = fields.value("notify").map { webhooks($0, at: path.key("notify")) } ?? []
        var rollout: RolloutConfig?
        if let block = fields.fields("rollout") {
            rollout = rolloutConfig(block)
            if retry.onRetry == .rollback, let node = fields.node("retry") {
                reader.fail(node, path.key("retry").key("on_retry"), "on_retry: rollback cannot be combined with rollout:", hint: "a failed batch already rolls back the hosts deployed so far")
            }
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
        environment.promoteFrom = promoteFrom
        environment.approvals = approvals
        environment.lockAfterRollback = lockAfterRollback
        environment.rollout = rollout
        environment.notify = notify
        return environment
    }

    /// What this parser learned must be masked: for a top-level block read through it.
    var maskedSoFar: (variables: Set<String>, urls: [String]) { (credentialVariables, credentialURLs) }

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
        if let text = fields.string("on_retry") {
            if let between = RetryPolicy.BetweenAttempts(rawValue: text) {
                policy.onRetry = between
            } else if let node = fields.node("on_retry") {
                reader.fail(node, fields.path.key("on_retry"), "'\(text)' is not nothing or rollback")
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
