import Foundation
import Yams

/// An environment as gantry will run it: every default filled in, relative paths made
/// absolute against the config's directory, checks with their merged timing, and every value
/// a secret could be in masked. What `gantry config ENV` prints, so "what does gantry
/// actually do here" is answered without reading the parser.
package enum ResolvedConfig {
    /// The environment as a tree of plain values (strings, numbers, booleans, lists, maps).
    package static func tree(_ environment: EnvironmentConfig, in config: GantryConfig, masker: SecretMasker) -> [String: Any] {
        var tree: [String: Any] = [
            "name": environment.name,
            "config_file": PathText.join(config.directory, String(config.file.split(separator: "/").last ?? Substring(config.file))),
            "directory": config.directory,
            "state": masker.mask(config.state.hasPrefix("sqlite:") ? "sqlite:" + PathText.join(config.directory, String(config.state.dropFirst("sqlite:".count))) : config.state),
            "targets": environment.targets,
            "secrets": environment.secrets,
            "deploy": command(environment.deploy, masker: masker),
            "verify_timeout": DurationText.format(environment.verifyTimeout),
            "check_concurrency": environment.checkConcurrency,
            "check_defaults": value(environment.checkDefaults.merged(over: .defaults), masker: masker),
            "checks": environment.checks.map { check -> [String: Any] in
                [
                    "name": check.name, "kind": check.probe.kind,
                    "timing": value(check.timing.merged(over: .defaults), masker: masker),
                    check.probe.kind: value(check.probe, masker: masker),
                ]
            },
            "retry": value(environment.retry, masker: masker),
            "lock": ["lease": DurationText.format(environment.lease), "supersede": environment.supersede],
            "on_interrupt": environment.rollbackOnInterrupt ? "rollback" : "leave",
            "preflight": value(environment.preflight, masker: masker),
            "protect": [
                "freeze_windows": environment.freezeWindows.map(\.description),
                "circuit_breaker": environment.circuitBreaker.map { $0 as Any } ?? "off",
                "lock_after_rollback": environment.lockAfterRollback,
            ],
        ]
        if let inventory = environment.inventory { tree["inventory"] = PathText.join(config.directory, inventory) }
        if let promotion = environment.promoteFrom {
            tree["promote_from"] = ["environment": promotion.environment, "soak": DurationText.format(promotion.soak)]
        }
        tree["rollout"] = environment.rollout.map { rollout -> Any in
            ["batches": rollout.batches.map(\.description), "bake": DurationText.format(rollout.bake)] as [String: Any]
        } ?? "off: every target at once"
        tree["rollback"] = environment.rollback.map { command($0, masker: masker) } ?? "none: a failed deploy cannot be rolled back automatically"
        return tree
    }

    /// The tree with every value that may be a credential cut, whatever the masker knew:
    /// values of `headers` and `env`, of keys naming a password, token or secret (but not
    /// the `*_env` keys that only name a variable), and passwords in URLs. For what leaves
    /// the machine (`gantry diagnose --bundle`).
    package static func redacted(_ tree: Any, key: String = "") -> Any {
        let lowered = key.lowercased()
        let credentialKey = ["password", "token", "secret", "passwd"].contains { lowered.contains($0) } && !lowered.hasSuffix("_env")
        switch tree {
        case let map as [String: Any]:
            if lowered == "headers" || lowered == "env" { return map.mapValues { _ in SecretMasker.mask } }
            return Dictionary(uniqueKeysWithValues: map.map { ($0.key, redacted($0.value, key: $0.key)) })
        case let list as [Any]:
            return list.map { redacted($0, key: key) }
        case let text as String:
            if credentialKey, !text.hasPrefix("${") { return SecretMasker.mask }
            return withoutURLPassword(text)
        default:
            return tree
        }
    }

    /// `postgres://app:s3cret@db/app` → `postgres://app:***@db/app`.
    static func withoutURLPassword(_ text: String) -> String {
        guard let scheme = text.range(of: "://"), let at = text[scheme.upperBound...].firstIndex(of: "@") else { return text }
        let userinfo = text[scheme.upperBound..<at]
        guard let colon = userinfo.firstIndex(of: ":"), !userinfo[userinfo.index(after: colon)...].hasPrefix("${") else { return text }
        return String(text[..<userinfo.index(after: colon)]) + SecretMasker.mask + String(text[at...])
    }

    /// The tree as YAML, keys sorted.
    package static func yaml(_ tree: [String: Any]) -> String {
        (try? Yams.dump(object: tree, width: -1, sortKeys: true)) ?? "\(tree)\n"
    }

    static func command(_ command: CommandConfig, masker: SecretMasker) -> [String: Any] {
        var tree: [String: Any] = [
            "command": command.argv.map(masker.mask), "shell": command.shell,
            "timeout": DurationText.format(command.timeout), "grace": DurationText.format(command.grace),
        ]
        if !command.environment.isEmpty { tree["env"] = command.environment.mapValues(masker.mask) }
        return tree
    }

    /// Any configuration value, through its stored properties (snake_case keys): durations as
    /// text, nils left out, strings masked.
    static func value(_ subject: Any, masker: SecretMasker) -> Any {
        switch subject {
        case let text as String: return masker.mask(text)
        case let duration as Duration: return DurationText.format(duration)
        case let number as Int: return number
        case let number as Double: return number
        case let flag as Bool: return flag
        case let size as SizeThreshold: return size.description
        case let command as CommandConfig: return self.command(command, masker: masker)
        case let probe as CommandProbeConfig: return self.command(probe.command, masker: masker)
        case let list as [Any]: return list.map { value($0, masker: masker) }
        case let map as [String: String]: return map.mapValues(masker.mask)
        case let set as Set<String>: return set.sorted()
        default: break
        }
        let mirror = Mirror(reflecting: subject)
        if mirror.displayStyle == .optional {
            return mirror.children.first.map { value($0.value, masker: masker) } ?? NSNull()
        }
        if mirror.displayStyle == .enum {
            // A case with a structure (a probe's config) is that structure; a case with a
            // plain value is written as `case:value` (`exit:4`).
            if let payload = mirror.children.first {
                let resolved = value(payload.value, masker: masker)
                if resolved is [String: Any] { return resolved }
                return "\(payload.label ?? "\(subject)"):\(resolved)"
            }
            return "\(subject)"
        }
        guard !mirror.children.isEmpty else { return masker.mask("\(subject)") }
        var tree: [String: Any] = [:]
        for child in mirror.children {
            guard let label = child.label else { continue }
            let resolved = value(child.value, masker: masker)
            if resolved is NSNull { continue }
            tree[snakeCase(label)] = resolved
        }
        return tree
    }

    /// `expectJSON` → `expect_json`, `caFile` → `ca_file`: a run of capitals is one word.
    static func snakeCase(_ name: String) -> String {
        var result = ""
        var previous: Character?
        for character in name {
            if character.isUppercase, let previous, previous.isLowercase || previous.isNumber {
                result += "_"
            }
            result += character.lowercased()
            previous = character
        }
        return result
    }
}
