import Yams

/// Turns the text of a `gantry.yml` into a `GantryConfig`, or into a `ConfigError` listing
/// every problem with its line, column and key path. Pure: the caller reads the file.
package enum ConfigParser {
    static let supportedVersion = 1

    /// Parses `text`, read from `file`; relative paths will resolve against `directory`.
    /// The names under `environments:`, in file order, without validating anything else:
    /// what shell completion offers. Empty when the text is not YAML.
    package static func environmentNames(text: String) -> [String] {
        guard let node = try? Yams.compose(yaml: text), let environments = node.mapping?["environments"]?.mapping else { return [] }
        return environments.keys.compactMap(\.string)
    }

    package static func parse(text: String, file: String, directory: String) throws(ConfigError) -> GantryConfig {
        let reader = YAMLReader(file: file)
        let root: Node?
        do {
            root = try Yams.compose(yaml: text)
        } catch let error as YamlError {
            throw ConfigError(issues: [syntaxIssue(error, file: file)])
        } catch {
            throw ConfigError(issues: [ConfigIssue(file: file, position: nil, keyPath: "", message: "is not valid YAML: \(error)")])
        }
        guard let root, !root.isNull else {
            throw ConfigError(issues: [ConfigIssue(
                file: file, position: nil, keyPath: "", message: "is empty",
                hint: "run 'gantry init' to write a commented example"
            )])
        }
        let config = parseRoot(root, reader: reader, file: file, directory: directory)
        if !reader.issues.isEmpty || config == nil {
            throw ConfigError(issues: reader.issues)
        }
        return config!
    }

    private static func parseRoot(_ root: Node, reader: YAMLReader, file: String, directory: String) -> GantryConfig? {
        guard let fields = reader.fields(root, at: .root) else { return nil }
        // `notify:` at the top level goes to every environment, its ${VAR}s masked in each.
        let topLevel = EnvironmentParser(reader: reader, name: "", path: .root)
        let notify = fields.value("notify").map { topLevel.webhooks($0, at: ConfigKeyPath.root.key("notify")) } ?? []
        let metrics = fields.fields("metrics").map { metrics in
            defer { metrics.finish() }
            return MetricsConfig(textfile: metrics.string("textfile"))
        } ?? MetricsConfig()
        let serve = fields.fields("serve").map { parseServe($0, reader: reader) } ?? ServeConfig()
        let runners = fields.value("runners").map { RunnerParser(reader: reader).parse($0, at: ConfigKeyPath.root.key("runners")) } ?? []
        let publicVariables = variableNames(fields, key: "public_variables", reader: reader)
        let version = fields.int("version", required: true)
        if let version, version != supportedVersion, let node = fields.node("version") {
            reader.fail(node, ConfigKeyPath.root.key("version"), "version \(version) is not supported", hint: "this gantry reads version: 1")
        }
        let state = fields.string("state") ?? GantryConfig.defaultState
        var deferred: [DeferredURL] = []
        if let variable = DeferredURL.variable(in: state) {
            deferred.append(DeferredURL(keyPath: "state", variable: variable, prefixes: ["sqlite:", "postgres://", "postgresql://"]))
        } else if let node = fields.node("state"), !state.hasPrefix("sqlite:"), !state.hasPrefix("postgres://"), !state.hasPrefix("postgresql://") {
            reader.fail(node, ConfigKeyPath.root.key("state"), "'\(state)' is not a state store URL", hint: "write sqlite:PATH or postgres://user@host/db, or a whole ${VAR} that holds one")
        }
        var environments: [EnvironmentConfig] = []
        if let envFields = fields.fields("environments", required: true) {
            if envFields.keys.isEmpty {
                reader.fail(envFields.node, envFields.path, "defines no environment", hint: "add one, e.g. production:")
            }
            for name in envFields.keys {
                let path = envFields.path.key(name)
                guard let node = envFields.node(name) else { continue }
                if !EnvironmentName.isValid(name) {
                    reader.fail(node, path, "'\(name)' is not a valid environment name", hint: EnvironmentName.rule)
                }
                if var environment = EnvironmentParser(reader: reader, name: name, path: path, publicVariables: publicVariables).parse(node) {
                    // Values gantry itself reads are masked in what every command prints too:
                    // commands inherit the environment they live in.
                    environment.credentialVariables.formUnion(Interpolation.references(in: state))
                    if URLPassword.extract(from: state) != nil || !Interpolation.references(in: state).isEmpty { environment.credentialURLs.append(state) }
                    if let token = serve.tokenEnv { environment.credentialVariables.insert(token) }
                    environment.notify = notify + environment.notify
                    environment.credentialVariables.formUnion(topLevel.maskedSoFar.variables)
                    environment.credentialURLs += topLevel.maskedSoFar.urls
                    for runner in runners {
                        for case .github(let source) in runner.sources { environment.credentialVariables.insert(source.tokenEnv) }
                    }
                    environments.append(environment)
                }
            }
            // `promote_from` names another environment of this file.
            for environment in environments {
                guard let source = environment.promoteFrom?.environment else { continue }
                let at = envFields.path.key(environment.name).key("promote_from").key("environment")
                if source == environment.name {
                    reader.fail(envFields.node(environment.name), at, "an environment cannot be promoted from itself")
                } else if !environments.contains(where: { $0.name == source }) {
                    reader.fail(envFields.node(environment.name), at, "no environment '\(source)' to promote from", hint: "defined: \(environments.map(\.name).joined(separator: ", "))")
                }
            }
            envFields.finish()
        }
        fields.finish()
        guard let version else { return nil }
        var config = GantryConfig(version: version, file: file, directory: directory, state: state, environments: environments)
        config.runners = runners
        config.metrics = metrics
        config.serve = serve
        config.deferredURLs = deferred + reader.deferredURLs
        return config
    }

    /// A list of environment variable names under `key`, each checked.
    static func variableNames(_ fields: YAMLFields, key: String, reader: YAMLReader) -> Set<String> {
        let names = fields.stringList(key) ?? []
        if let node = fields.node(key) {
            for (offset, name) in names.enumerated() where !Interpolation.isValidName(name) {
                reader.fail(node.sequence?[offset] ?? node, fields.path.key(key).index(offset), "'\(name)' is not an environment variable name", hint: "list variable names, never values")
            }
        }
        return Set(names)
    }

    private static func parseServe(_ fields: YAMLFields, reader: YAMLReader) -> ServeConfig {
        defer { fields.finish() }
        var serve = ServeConfig()
        if let listen = fields.string("listen") {
            if ListenAddress(listen) == nil, let node = fields.node("listen") {
                reader.fail(node, fields.path.key("listen"), "'\(listen)' is not host:port", hint: "e.g. 127.0.0.1:9464")
            } else {
                serve.listen = listen
            }
        }
        serve.tokenEnv = fields.string("token_env")
        serve.runnerInterval = fields.duration("runner_interval") ?? serve.runnerInterval
        serve.checkInterval = fields.duration("check_interval") ?? serve.checkInterval
        serve.storeInterval = fields.duration("store_interval") ?? serve.storeInterval
        serve.unhealthyAfter = fields.int("unhealthy_after", range: 1...100) ?? serve.unhealthyAfter
        serve.healthyAfter = fields.int("healthy_after", range: 1...100) ?? serve.healthyAfter
        serve.idleTimeout = fields.duration("idle_timeout") ?? serve.idleTimeout
        serve.maxConnections = fields.int("max_connections", range: 1...100_000) ?? serve.maxConnections
        serve.requireToken = fields.bool("require_token") ?? serve.requireToken
        return serve
    }

    private static func syntaxIssue(_ error: YamlError, file: String) -> ConfigIssue {
        switch error {
        case .scanner(let context, let problem, let mark, _),
             .parser(let context, let problem, let mark, _),
             .composer(let context, let problem, let mark, _):
            var message = "is not valid YAML: \(problem)"
            if let context { message += " \(context.text)" }
            return ConfigIssue(file: file, position: SourcePosition(line: mark.line, column: mark.column), keyPath: "", message: message)
        case .duplicatedKeysInMapping(let duplicates, let context):
            return ConfigIssue(
                file: file, position: SourcePosition(line: context.mark.line, column: context.mark.column), keyPath: "",
                message: "a mapping repeats the key(s) \(duplicates.joined(separator: ", "))"
            )
        default:
            return ConfigIssue(file: file, position: nil, keyPath: "", message: "is not valid YAML: \(error)")
        }
    }
}
