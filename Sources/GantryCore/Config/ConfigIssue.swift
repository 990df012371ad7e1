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

    init(file: String, position: SourcePosition?, keyPath: String, message: String, hint: String? = nil) {
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
