import Yams

/// `notify:` of an environment (and, read through the same parser, of the top level):
/// webhooks and GitHub deployment mirrors.
extension EnvironmentParser {
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
}
