import Yams

/// The keys of one YAML mapping. Every key read is marked known; `finish()` reports the
/// others as unknown, with the nearest known key as a suggestion, so a typo such as
/// `tiemout` is caught instead of silently ignored.
final class YAMLFields {
    let reader: YAMLReader
    let node: Node
    let path: ConfigKeyPath
    private var values: [(key: String, keyNode: Node, value: Node)] = []
    private var known: Set<String> = []
    private var unsupported: [String: String] = [:]

    init(reader: YAMLReader, node: Node, mapping: Node.Mapping, path: ConfigKeyPath) {
        self.reader = reader
        self.node = node
        self.path = path
        var seen: Set<String> = []
        for (key, value) in mapping {
            guard let name = key.scalar?.string else {
                reader.fail(key, path, "keys must be plain strings")
                continue
            }
            if !seen.insert(name).inserted {
                reader.fail(key, path.key(name), "appears twice in the same mapping")
                continue
            }
            values.append((name, key, value))
        }
    }

    var keys: [String] { values.map(\.key) }

    /// The value node under `key`, marking the key as known.
    func node(_ key: String) -> Node? {
        known.insert(key)
        return values.first { $0.key == key }?.value
    }

    /// The value under `key`; records a "missing" issue when `required` and absent.
    func value(_ key: String, required: Bool = false) -> Node? {
        let found = node(key)
        if found == nil, required {
            reader.fail(node, path.key(key), "is required but missing")
        }
        if let found, found.isNull {
            if required { reader.fail(found, path.key(key), "is required but empty") }
            return nil
        }
        return found
    }

    func string(_ key: String, required: Bool = false) -> String? {
        value(key, required: required).flatMap { reader.nonEmptyString($0, at: path.key(key)) }
    }

    func int(_ key: String, required: Bool = false, range: ClosedRange<Int>? = nil) -> Int? {
        value(key, required: required).flatMap { reader.int($0, at: path.key(key), range: range) }
    }

    func double(_ key: String) -> Double? {
        value(key).flatMap { reader.double($0, at: path.key(key)) }
    }

    func bool(_ key: String) -> Bool? {
        value(key).flatMap { reader.bool($0, at: path.key(key)) }
    }

    func duration(_ key: String, required: Bool = false, allowZero: Bool = false) -> Duration? {
        value(key, required: required).flatMap { reader.duration($0, at: path.key(key), allowZero: allowZero) }
    }

    func size(_ key: String, required: Bool = false, allowPercent: Bool = true) -> SizeThreshold? {
        value(key, required: required).flatMap { reader.size($0, at: path.key(key), allowPercent: allowPercent) }
    }

    func stringList(_ key: String, required: Bool = false, allowEmpty: Bool = true) -> [String]? {
        value(key, required: required).flatMap { reader.stringList($0, at: path.key(key), allowEmpty: allowEmpty) }
    }

    func stringMap(_ key: String) -> [String: String]? {
        value(key).flatMap { reader.stringMap($0, at: path.key(key)) }
    }

    func fields(_ key: String, required: Bool = false) -> YAMLFields? {
        value(key, required: required).flatMap { reader.fields($0, at: path.key(key)) }
    }

    /// Marks keys that belong to the design but that this version does not act on, so the
    /// error says so instead of calling a documented key a typo.
    func notYetSupported(_ keys: [String], note: String) {
        for key in keys { unsupported[key] = note }
    }

    /// Reports every key that was never read.
    func finish() {
        for entry in values where !known.contains(entry.key) {
            if let note = unsupported[entry.key] {
                reader.fail(entry.keyNode, path.key(entry.key), "is not supported by this version of gantry", hint: note)
                continue
            }
            let suggestion = closest(to: entry.key, among: known)
            let allowed = known.sorted().joined(separator: ", ")
            let hint = suggestion.map { "did you mean '\($0)'? allowed here: \(allowed)" } ?? "allowed here: \(allowed)"
            reader.fail(entry.keyNode, path.key(entry.key), "unknown key", hint: hint)
        }
    }

    private func closest(to key: String, among candidates: Set<String>) -> String? {
        let scored = candidates.map { ($0, editDistance(key, $0)) }.filter { $0.1 <= max(2, key.count / 3) }
        return scored.min { $0.1 == $1.1 ? $0.0 < $1.0 : $0.1 < $1.1 }?.0
    }
}
