/// A place in a configuration file, 1-based, as editors count.
public struct SourcePosition: Sendable, Hashable, Codable {
    public var line: Int
    public var column: Int

    public init(line: Int, column: Int) {
        self.line = line
        self.column = column
    }
}

/// One problem found in a configuration file.
///
/// It carries everything a person needs to fix it without reading Gantry's source: the file,
/// the line and column, the key path (`environments.production.deploy.timeout`), what is
/// wrong and, when there is one, what to write instead.
public struct ConfigIssue: Sendable, Hashable, CustomStringConvertible {
    public var file: String
    public var position: SourcePosition?
    public var keyPath: String
    public var message: String
    public var hint: String?

    public init(file: String, position: SourcePosition?, keyPath: String, message: String, hint: String? = nil) {
        self.file = file
        self.position = position
        self.keyPath = keyPath
        self.message = message
        self.hint = hint
    }

    public var description: String {
        var location = file
        if let position { location += ":\(position.line):\(position.column)" }
        var text = "\(location): "
        if !keyPath.isEmpty { text += "\(keyPath): " }
        text += message
        if let hint { text += " (\(hint))" }
        return text
    }
}

/// Every problem of a configuration file at once, so a person fixes them in one pass
/// instead of one run per mistake.
public struct ConfigError: Error, Sendable, CustomStringConvertible {
    public var issues: [ConfigIssue]

    public init(issues: [ConfigIssue]) {
        self.issues = issues
    }

    public var description: String {
        let noun = issues.count == 1 ? "error" : "errors"
        return "configuration has \(issues.count) \(noun):\n" + issues.map { "  \($0)" }.joined(separator: "\n")
    }
}
