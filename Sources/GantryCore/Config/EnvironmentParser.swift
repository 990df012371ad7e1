import Yams

/// Reads one entry of `environments:`. Keeps track of the variables read into credential
/// fields so the masker can hide their values later.
final class EnvironmentParser {
    let reader: YAMLReader
    let name: String
    let path: ConfigKeyPath
    private var credentialVariables: Set<String> = []
    private var credentialURLs: [String] = []

    init(reader: YAMLReader, name: String, path: ConfigKeyPath) {
        self.reader = reader
        self.name = name
        self.path = path
    }

    func parse(_ node: Node) -> EnvironmentConfig? {
        guard let fields = reader.fields(node, at: path) else { return nil }
        fields.notYetSupported(
            ["preflight", "retry", "rollout", "protect", "lock", "on_interrupt", "verify_on_skip"],
            note: "planned; remove it for now"
        )
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
        return EnvironmentConfig(
            name: name, inventory: inventory, targets: targets, secrets: secrets, deploy: deploy, rollback: rollback,
            checks: checks, checkDefaults: defaults, verifyTimeout: verifyTimeout, checkConcurrency: concurrency,
            credentialVariables: credentialVariables, credentialURLs: credentialURLs
        )
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

    /// Checks the `${VAR}` syntax of `text`; in credential fields, remembers the variables so
    /// their values are masked, and a URL so its password part is masked.
    func validateInterpolation(_ text: String, node: Node, path: ConfigKeyPath, credential: Bool, isURL: Bool = false) {
        switch Interpolation.pieces(of: text) {
        case .failure(let error):
            reader.fail(node, path, error.message, hint: "write ${NAME}, or $${ for a literal '${'")
        case .success:
            if credential {
                credentialVariables.formUnion(Interpolation.references(in: text))
                if isURL { credentialURLs.append(text) }
            }
        }
    }
}
