/// Lets global options come before the command as well as after it
/// (`gantry -c prod.yml deploy production …`), as people type them: the leading ones are
/// moved behind the command, where every command's `GlobalOptions` parses them.
enum GlobalArguments {
    /// Options that take a value, by every spelling.
    static let valued: Set<String> = ["-c", "--config", "--state", "--color"]
    static let flags: Set<String> = ["-q", "--quiet", "-v", "--verbose"]

    static func reorder(_ arguments: [String]) -> [String] {
        var leading: [String] = []
        var index = 0
        while index < arguments.count {
            let argument = arguments[index]
            if flags.contains(argument) {
                leading.append(argument)
                index += 1
            } else if valued.contains(argument), index + 1 < arguments.count {
                leading += [argument, arguments[index + 1]]
                index += 2
            } else if let equals = argument.firstIndex(of: "="), valued.contains(String(argument[..<equals])) {
                leading.append(argument)
                index += 1
            } else {
                break
            }
        }
        guard !leading.isEmpty, index < arguments.count else { return arguments }
        var rest = Array(arguments[index...])
        let end = rest.firstIndex(of: "--") ?? rest.count
        rest.insert(contentsOf: leading, at: end)
        return rest
    }
}
