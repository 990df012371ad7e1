struct RunTimeCheckView: Encodable {
    var keyPath: String
    var variable: String
    var prefixes: [String]
}
