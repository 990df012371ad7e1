/// A place in a configuration file, 1-based, as editors count.
package struct SourcePosition: Sendable, Hashable, Codable {
    package var line: Int
    package var column: Int

    package init(line: Int, column: Int) {
        self.line = line
        self.column = column
    }
}

/// One problem found in a configuration file.
///
/// It carries everything a person needs to fix it without reading Gantry's source: the file,
/// the line and column, the key path (`environments.production.deploy.timeout`), what is
/// wrong and, when there is one, what to write instead.
package struct ConfigIssue: Sendable, Hashable, CustomStringConvertible {
    package var file: String
    package var position: SourcePosition?
    package var keyPath: String
    package var message: String
    package var hint: String?

    package init(file: String, position: SourcePosition?, keyPath: String, message: String, hint: String? = nil) {
        self.file = file
        self.position = position
        self.keyPath = keyPath
        self.message = message
        self.hint = hint
    }

    package var description: String {
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
package struct ConfigError: Error, Sendable, CustomStringConvertible {
    package var issues: [ConfigIssue]

    package init(issues: [ConfigIssue]) {
        self.issues = issues
    }

    package var description: String {
        let noun = issues.count == 1 ? "error" : "errors"
        return "configuration has \(issues.count) \(noun):\n" + issues.map { "  \($0)" }.joined(separator: "\n")
    }
}
