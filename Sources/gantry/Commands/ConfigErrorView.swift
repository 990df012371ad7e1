import GantryCore

/// One configuration error as `validate --json` lists it.
struct ConfigErrorView: Encodable {
    var file: String
    var line: Int?
    var column: Int?
    var keyPath: String
    var message: String
    var hint: String?

    init(file: String, line: Int?, column: Int?, keyPath: String, message: String, hint: String?) {
        self.file = file
        self.line = line
        self.column = column
        self.keyPath = keyPath
        self.message = message
        self.hint = hint
    }

    init(_ issue: ConfigIssue) {
        self.init(file: issue.file, line: issue.position?.line, column: issue.position?.column, keyPath: issue.keyPath, message: issue.message, hint: issue.hint)
    }
}
