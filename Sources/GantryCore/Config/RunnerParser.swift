import Yams

/// Reads `runners:`: names, labels, priorities and health sources.
struct RunnerParser {
    let reader: YAMLReader

    func parse(_ node: Node, at path: ConfigKeyPath) -> [RunnerConfig] {
        guard let entries = reader.sequence(node, at: path) else { return [] }
        var runners: [RunnerConfig] = []
        var names: Set<String> = []
        for (offset, entry) in entries.enumerated() {
            let entryPath = path.index(offset)
            guard let fields = reader.fields(entry, at: entryPath) else { continue }
            let name = fields.string("name", required: true)
            if let name, !names.insert(name).inserted, let nameNode = fields.node("name") {
                reader.fail(nameNode, entryPath.key("name"), "another runner is already called '\(name)'")
            }
            let labels = fields.stringList("labels") ?? []
            let priority = fields.int("priority", range: 0...1000) ?? 100
            let diag = fields.string("diag")
            var requireAll = true
            if let require = fields.string("require"), let requireNode = fields.node("require") {
                switch require {
                case "all": requireAll = true
                case "any": requireAll = false
                default: reader.fail(requireNode, entryPath.key("require"), "'\(require)' is not all or any")
                }
            }
            var sources: [RunnerSource] = []
            if let healthNodes = fields.value("health").flatMap({ reader.sequence($0, at: entryPath.key("health")) }) {
                for (index, sourceNode) in healthNodes.enumerated() {
                    if let source = self.source(sourceNode, at: entryPath.key("health").index(index)) { sources.append(source) }
                }
            }
            fields.finish()
            if let name { runners.append(RunnerConfig(name: name, labels: labels, priority: priority, requireAll: requireAll, sources: sources, diag: diag)) }
        }
        return runners
    }

    private func source(_ node: Node, at path: ConfigKeyPath) -> RunnerSource? {
        guard let fields = reader.fields(node, at: path) else { return nil }
        let kinds = ["prometheus", "http", "github", "local"].filter { fields.keys.contains($0) }
        guard kinds.count == 1 else {
            reader.fail(node, path, kinds.isEmpty ? "names no health source" : "has \(kinds.count) sources; one per entry", hint: "one of prometheus, http, github, local")
            for kind in ["prometheus", "http", "github", "local"] { _ = fields.node(kind) }
            fields.finish()
            return nil
        }
        let kind = kinds[0]
        guard let body = fields.fields(kind, required: true) else {
            fields.finish()
            return nil
        }
        fields.finish()
        defer { body.finish() }
        let timeout = body.duration("timeout") ?? .seconds(2)
        switch kind {
        case "prometheus":
            let url = body.string("url", required: true)
            let query = body.string("query", required: true)
            guard let url, let query else { return nil }
            deferIfWhole(url, body, schemes: ["http://", "https://"])
            var config = PrometheusProbeConfig(url: url, query: query)
            config.min = body.double("min")
            config.max = body.double("max")
            config.equals = body.double("equals")
            if config.min == nil, config.max == nil, config.equals == nil { config.equals = 1 }
            return .prometheus(config, timeout: timeout)
        case "http":
            guard let url = body.string("url", required: true) else { return nil }
            deferIfWhole(url, body, schemes: ["http://", "https://"])
            return .http(url: url, timeout: timeout)
        case "github":
            let repo = body.string("repo")
            let org = body.string("org")
            let runner = body.string("runner", required: true)
            let tokenEnv = body.string("token_env", required: true)
            let apiURL = body.string("api_url")
            if (repo == nil) == (org == nil) {
                reader.fail(body.node, body.path, "names neither or both of repo: and org:", hint: "repo: owner/name, or org: name")
            }
            if let tokenEnv, !Interpolation.isValidName(tokenEnv), let tokenNode = body.node("token_env") {
                reader.fail(tokenNode, body.path.key("token_env"), "'\(tokenEnv)' is not an environment variable name", hint: "name the variable holding the token, never the token")
            }
            guard let runner, let tokenEnv, (repo == nil) != (org == nil) else { return nil }
            var source = GitHubRunnerSource(repo: repo, org: org, runner: runner, tokenEnv: tokenEnv)
            if let apiURL { source.apiURL = apiURL }
            source.timeout = timeout
            return .github(source)
        default:
            var local = LocalRunnerSource()
            local.minFreeDisk = body.size("min_free_disk")
            local.diskPath = body.string("path") ?? "/"
            local.minAvailableMemory = body.size("min_available_memory")
            local.tools = body.stringList("tools") ?? []
            return .local(local)
        }
    }

    /// A source URL written as one whole `${VAR}`: its form is checked when it is read.
    private func deferIfWhole(_ url: String, _ body: YAMLFields, schemes: [String]) {
        guard let variable = DeferredURL.variable(in: url) else { return }
        reader.deferredURLs.append(DeferredURL(keyPath: "\(body.path.key("url"))", variable: variable, prefixes: schemes))
    }
}
