import Foundation

/// The configuration reference (`docs/configuration.md`), generated from `ConfigSchema`: the
/// same document `gantry validate`'s schema twin and editors use. Writing the page from the
/// schema means the reference cannot describe a key the schema does not have, or miss one it
/// has; a test fails when the committed page differs from what this renders, and when a key
/// has no description or example.
package enum ConfigReference {
    /// The page, as `gantry schema --markdown` prints it.
    package static func markdown() -> String {
        var walk = Walk(definitions: ConfigSchema.definitions())
        walk.section(title: "Top level", node: ConfigSchema.document(), path: "")
        var text = """
            # Configuration reference

            Every key of `gantry.yml`, section by section: its type, its default, an example
            value and what it does. For worked examples by task, read the
            [configuration guide](configuration-guide.md); to see an environment with every
            default filled in, run `gantry config ENV`.

            This page is generated from gantry's JSON Schema (`gantry schema`, which `gantry
            init` writes beside the config for editors) by `gantry schema --markdown >
            docs/configuration.md`; a test fails when the two differ. Unknown keys are
            errors. Durations are written `500ms`, `30s`, `5m`, `1h30m`, `1d`; sizes `512MiB`,
            `2GiB`, or a share such as `10%` where a share is allowed. `${VAR}` reads a variable
            of the process environment (masked unless listed in `public_variables`).

            Sections:


            """
        text += walk.sections.map { "- [\($0.title)](#\(anchor($0.title)))" }.joined(separator: "\n") + "\n"
        for section in walk.sections {
            text += "\n## \(section.title)\n\n"
            if let intro = section.intro { text += intro + "\n\n" }
            text += "| key | type | default | example | description |\n| --- | --- | --- | --- | --- |\n"
            for row in section.rows {
                text += "| `\(row.key)` | \(cell(row.type)) | \(cell(row.defaultValue)) | \(cell(row.example)) | \(cell(row.description)) |\n"
            }
        }
        return text
    }

    /// Keys (as `section: key`) that have no description or no example: the page must say
    /// both for every key, so a new key without them fails its test.
    package static func incompleteKeys() -> [String] {
        var walk = Walk(definitions: ConfigSchema.definitions())
        walk.section(title: "Top level", node: ConfigSchema.document(), path: "")
        return walk.sections.flatMap { section in
            section.rows.filter { $0.description.isEmpty || $0.example.isEmpty }.map { "\(section.title): \($0.key)" }
        }
    }

    /// GitHub's heading anchors: lower case, letters, digits, `-` and `_` kept, spaces as `-`.
    static func anchor(_ title: String) -> String {
        String(title.lowercased().compactMap { character -> Character? in
            if character == " " { return "-" }
            return character.isLetter || character.isNumber || character == "-" || character == "_" ? character : nil
        })
    }

    static func cell(_ text: String) -> String {
        text.replacingOccurrences(of: "|", with: "\\|").replacingOccurrences(of: "\n", with: " ")
    }
}

/// One heading of the page and its table.
private struct ReferenceSection {
    var title: String
    var intro: String?
    var rows: [ReferenceRow]
}

/// One key of a section's table.
private struct ReferenceRow {
    var key: String
    var type: String
    var defaultValue: String
    var example: String
    var description: String
}

/// The schema walked depth-first: a section per object, objects named by a `$defs` entry
/// written once however many keys use them.
private struct Walk {
    /// The titles of the shared definitions that have a section of their own.
    static let definitionTitles: [String: String] = [
        "environment": "environments.NAME",
        "command": "A command (deploy, rollback, checks[].command)",
        "timing": "Check timing (check_defaults, and each check)",
        "check": "environments.NAME.checks[]",
        "notify": "notify[] (top level and each environment)",
        "runner": "runners[]",
    ]

    let definitions: [String: Any]
    var sections: [ReferenceSection] = []
    var written: Set<String> = []

    init(definitions: [String: Any]) { self.definitions = definitions }

    mutating func section(title: String, node: [String: Any], path: String) {
        var node = node
        if node["properties"] == nil, let items = node["items"] as? [String: Any] {
            // A list of objects (`notify`): its items are the section, under the list's words.
            node = items.merging(node.filter { $0.key == "description" }) { $1 }
        }
        let index = sections.count
        sections.append(ReferenceSection(title: title, intro: intro(of: node, atRoot: path.isEmpty), rows: []))
        var nested: [(title: String, node: [String: Any], path: String)] = []
        var linked: [String] = []
        let properties = node["properties"] as? [String: Any] ?? [:]
        let required = Set(node["required"] as? [String] ?? [])
        for key in properties.keys.sorted() {
            let raw = properties[key] as? [String: Any] ?? [:]
            let child = resolved(raw)
            let childPath = path.isEmpty ? key : "\(path).\(key)"
            var type = typeText(child.node)
            var example = exampleText(child.node)
            if let name = child.definition, let defTitle = Self.definitionTitles[name] {
                type = "[\(name)](#\(ConfigReference.anchor(defTitle)))"
                example = "[in its section](#\(ConfigReference.anchor(defTitle)))"
                linked.append(name)
            } else if child.node["properties"] != nil {
                type = "[object](#\(ConfigReference.anchor(childPath)))"
                example = "[in its section](#\(ConfigReference.anchor(childPath)))"
                nested.append((childPath, child.node, childPath))
            } else if let items = arrayItems(child.node) {
                if let name = items.definition, let defTitle = Self.definitionTitles[name] {
                    type = "list of [\(name)](#\(ConfigReference.anchor(defTitle)))"
                    example = "[in its section](#\(ConfigReference.anchor(defTitle)))"
                    linked.append(name)
                } else if items.node["properties"] != nil {
                    type = "list of [objects](#\(ConfigReference.anchor(childPath + "[]")))"
                    example = "[in its section](#\(ConfigReference.anchor(childPath + "[]")))"
                    nested.append((childPath + "[]", items.node, childPath + "[]"))
                }
            } else if let values = child.node["additionalProperties"] as? [String: Any], let name = definitionName(values) {
                let defTitle = Self.definitionTitles[name] ?? name
                type = "map of name to [\(name)](#\(ConfigReference.anchor(defTitle)))"
                example = "[in its section](#\(ConfigReference.anchor(defTitle)))"
                linked.append(name)
            }
            sections[index].rows.append(ReferenceRow(
                key: key, type: type,
                defaultValue: required.contains(key) ? "required" : defaultText(child.node),
                example: example,
                description: child.node["description"] as? String ?? ""
            ))
        }
        for item in nested { section(title: item.title, node: item.node, path: item.path) }
        for name in linked where !written.contains(name) {
            written.insert(name)
            guard let definition = definitions[name] as? [String: Any], let title = Self.definitionTitles[name] else { continue }
            let defPath = title.split(separator: " ").first.map(String.init) ?? name
            section(title: title, node: definition, path: defPath)
        }
    }

    /// A property with its `$ref` followed: the definition's content under the property's
    /// own annotations (a description or default written beside the `$ref`).
    func resolved(_ node: [String: Any]) -> (node: [String: Any], definition: String?) {
        guard let name = definitionName(node), let definition = definitions[name] as? [String: Any] else { return (node, nil) }
        var merged = definition
        for (key, value) in node where key != "$ref" { merged[key] = value }
        return (merged, name)
    }

    func definitionName(_ node: [String: Any]) -> String? {
        (node["$ref"] as? String).map { String($0.dropFirst("#/$defs/".count)) }
    }

    func arrayItems(_ node: [String: Any]) -> (node: [String: Any], definition: String?)? {
        guard node["type"] as? String == "array", let items = node["items"] as? [String: Any] else { return nil }
        let item = resolved(items)
        guard item.definition.map({ Self.definitionTitles[$0] != nil }) == true || item.node["properties"] != nil else { return nil }
        return item
    }

    func intro(of node: [String: Any], atRoot: Bool) -> String? {
        var parts: [String] = []
        if !atRoot, let description = node["description"] as? String { parts.append(description) }
        if let choices = node["oneOf"] as? [[String: Any]] {
            let names = choices.compactMap { ($0["required"] as? [String])?.first }
            if !names.isEmpty { parts.append("Exactly one of " + names.map { "`\($0)`" }.joined(separator: ", ") + ".") }
        }
        if node["maxProperties"] as? Int == 1 { parts.append("Exactly one key.") }
        return parts.isEmpty ? nil : parts.joined(separator: " ")
    }

    func typeText(_ node: [String: Any]) -> String {
        if let constant = node["const"] { return "`\(json(constant))`" }
        if let values = node["enum"] as? [Any] {
            var seen: [String] = []
            for value in values.map({ json($0) }) where !seen.contains(where: { $0.lowercased() == value.lowercased() }) { seen.append(value) }
            return "one of " + seen.map { "`\($0)`" }.joined(separator: ", ")
        }
        if let reference = definitionName(node) { return reference }
        if let choices = node["oneOf"] as? [[String: Any]], node["type"] == nil {
            return choices.map(typeText).joined(separator: ", or ")
        }
        switch node["type"] as? String {
        case "string":
            if let name = node["$comment"] as? String { return name }
            return "string"
        case "integer":
            if let minimum = node["minimum"] as? Int, let maximum = node["maximum"] as? Int { return "integer, \(minimum) to \(maximum)" }
            return "integer"
        case "number": return "number"
        case "boolean": return "boolean"
        case "array":
            guard let items = node["items"] as? [String: Any] else { return "list" }
            return "list of " + plural(typeText(resolved(items).node))
        case "object":
            if let values = node["additionalProperties"] as? [String: Any] { return "map of name to " + typeText(values) }
            return "object"
        default:
            return "any"
        }
    }

    func plural(_ type: String) -> String {
        switch type {
        case "string": return "strings"
        case "integer": return "integers"
        case "number": return "numbers"
        default: return type
        }
    }

    func defaultText(_ node: [String: Any]) -> String {
        guard let value = node["default"] else { return "—" }
        return "`\(json(value))`"
    }

    /// The schema's own example, else one that follows from the type: a duration, a size, a
    /// flag, the default or first value of a choice. Objects show theirs in their section.
    func exampleText(_ node: [String: Any]) -> String {
        if let examples = node["examples"] as? [Any], let first = examples.first { return "`\(json(first))`" }
        if let constant = node["const"] { return "`\(json(constant))`" }
        if let values = node["enum"] as? [Any], let first = node["default"] ?? values.first { return "`\(json(first))`" }
        switch definitionName(node) ?? (node["type"] as? String) ?? "" {
        case "duration": return "`30s`"
        case "size": return "`512MiB`"
        case "boolean": return "`\(json(node["default"].map { !(($0 as? Bool) ?? false) } ?? true))`"
        case "object": return node["properties"] != nil || node["additionalProperties"] is [String: Any] ? "see its section" : ""
        default: return ""
        }
    }

    func json(_ value: Any) -> String {
        if let text = value as? String { return text }
        if let flag = value as? Bool { return flag ? "true" : "false" }
        guard let data = try? JSONSerialization.data(withJSONObject: value, options: [.fragmentsAllowed, .sortedKeys, .withoutEscapingSlashes]) else { return "\(value)" }
        return String(decoding: data, as: UTF8.self)
    }
}
