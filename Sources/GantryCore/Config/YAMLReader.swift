import Yams

/// Walks a parsed YAML tree and turns it into typed values, collecting every problem with
/// its position instead of stopping at the first. Decoding through `Codable` would stop at
/// the first error and lose line numbers; configuration mistakes deserve better.
final class YAMLReader {
    let file: String
    private(set) var issues: [ConfigIssue] = []
    /// URL fields written as one whole `${VAR}`, checked when the value is read.
    var deferredURLs: [DeferredURL] = []

    init(file: String) {
        self.file = file
    }

    func fail(_ node: Node?, _ path: ConfigKeyPath, _ message: String, hint: String? = nil) {
        issues.append(ConfigIssue(file: file, position: node?.position, keyPath: path.description, message: message, hint: hint))
    }

    /// A mapping's fields, or nil (with an issue recorded) when the node is something else.
    func fields(_ node: Node, at path: ConfigKeyPath) -> YAMLFields? {
        guard let mapping = node.mapping else {
            fail(node, path, "expected a mapping of keys to values, found \(node.kindName)")
            return nil
        }
        return YAMLFields(reader: self, node: node, mapping: mapping, path: path)
    }

    /// The elements of a sequence, or nil (with an issue) when the node is something else.
    func sequence(_ node: Node, at path: ConfigKeyPath) -> [Node]? {
        guard let sequence = node.sequence else {
            fail(node, path, "expected a list, found \(node.kindName)")
            return nil
        }
        return Array(sequence)
    }

    func string(_ node: Node, at path: ConfigKeyPath) -> String? {
        guard let scalar = node.scalar, !node.isNull else {
            fail(node, path, "expected a string, found \(node.kindName)")
            return nil
        }
        return scalar.string
    }

    func nonEmptyString(_ node: Node, at path: ConfigKeyPath) -> String? {
        guard let text = string(node, at: path) else { return nil }
        guard !text.trimmingWhitespace().isEmpty else {
            fail(node, path, "must not be empty")
            return nil
        }
        return text
    }

    func int(_ node: Node, at path: ConfigKeyPath, range: ClosedRange<Int>? = nil) -> Int? {
        guard let scalar = node.scalar, scalar.style == .plain, let value = Int(scalar.string) else {
            fail(node, path, "expected a whole number, found \(node.describedValue)")
            return nil
        }
        if let range, !range.contains(value) {
            fail(node, path, "\(value) is out of range", hint: "allowed: \(range.lowerBound)...\(range.upperBound)")
            return nil
        }
        return value
    }

    func double(_ node: Node, at path: ConfigKeyPath) -> Double? {
        guard let scalar = node.scalar, scalar.style == .plain, let value = Double(scalar.string), value.isFinite else {
            fail(node, path, "expected a number, found \(node.describedValue)")
            return nil
        }
        return value
    }

    func bool(_ node: Node, at path: ConfigKeyPath) -> Bool? {
        guard let scalar = node.scalar, scalar.style == .plain else {
            fail(node, path, "expected true or false, found \(node.describedValue)")
            return nil
        }
        switch scalar.string {
        case "true": return true
        case "false": return false
        default:
            fail(node, path, "expected true or false, found \(node.describedValue)")
            return nil
        }
    }

    func duration(_ node: Node, at path: ConfigKeyPath, allowZero: Bool = false) -> Duration? {
        guard let text = string(node, at: path) else { return nil }
        guard let value = DurationText.parse(text) else {
            fail(node, path, "'\(text)' is not a duration", hint: "write it with a unit: 200ms, 30s, 5m, 1h")
            return nil
        }
        if !allowZero, value <= .zero {
            fail(node, path, "must be longer than zero")
            return nil
        }
        return value
    }

    func size(_ node: Node, at path: ConfigKeyPath, allowPercent: Bool = true) -> SizeThreshold? {
        guard let text = string(node, at: path) else { return nil }
        guard let value = SizeThreshold.parse(text) else {
            fail(node, path, "'\(text)' is not a size", hint: allowPercent ? "write 512MiB, 2GiB or 10%" : "write 512MiB or 2GiB")
            return nil
        }
        if !allowPercent, case .percent = value {
            fail(node, path, "must be an absolute size, not a percentage", hint: "write 512MiB or 2GiB")
            return nil
        }
        return value
    }

    func stringList(_ node: Node, at path: ConfigKeyPath, allowEmpty: Bool = true) -> [String]? {
        guard let elements = sequence(node, at: path) else { return nil }
        if !allowEmpty, elements.isEmpty {
            fail(node, path, "must not be an empty list")
            return nil
        }
        var values: [String] = []
        var valid = true
        for (offset, element) in elements.enumerated() {
            if let text = string(element, at: path.index(offset)) { values.append(text) } else { valid = false }
        }
        return valid ? values : nil
    }

    /// A mapping of string keys to string values (headers, environment variables).
    func stringMap(_ node: Node, at path: ConfigKeyPath) -> [String: String]? {
        guard let mapping = node.mapping else {
            fail(node, path, "expected a mapping of names to values, found \(node.kindName)")
            return nil
        }
        var values: [String: String] = [:]
        for (key, value) in mapping {
            guard let name = string(key, at: path) else { continue }
            if let text = string(value, at: path.key(name)) { values[name] = text }
        }
        return values
    }
}

extension Node {
    var position: SourcePosition? {
        mark.map { SourcePosition(line: $0.line, column: $0.column) }
    }

    var isNull: Bool {
        guard let scalar = scalar, scalar.style == .plain else { return false }
        return ["", "~", "null", "Null", "NULL"].contains(scalar.string)
    }

    var kindName: String {
        if isNull { return "nothing (null)" }
        switch self {
        case .scalar: return "a single value"
        case .mapping: return "a mapping"
        case .sequence: return "a list"
        case .alias: return "an alias"
        }
    }

    var describedValue: String {
        if let scalar = scalar, !isNull { return "'\(scalar.string)'" }
        return kindName
    }
}
