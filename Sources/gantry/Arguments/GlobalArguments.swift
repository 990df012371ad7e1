import ArgumentParser

/// Lets global options come before the command as well as after it
/// (`gantry -c prod.yml deploy production …`, `gantry -c prod.yml monitoring runbook`), as
/// people type them: the leading ones are moved behind the whole command path (a group and
/// its subcommand), where every command's `GlobalOptions` parses them. Commands that do not
/// use them take them too, and ignore them.
enum GlobalArguments {
    /// Options that take a value, by every spelling.
    static let valued: Set<String> = ["-c", "--config", "--state", "--color", "--progress-interval"]
    static let flags: Set<String> = ["-q", "--quiet", "-v", "--verbose"]

    static func reorder(_ arguments: [String], root: any ParsableCommand.Type = Gantry.self) -> [String] {
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
        // Behind the command path: `monitoring runbook`, not between its two words.
        var command = root
        var path = 0
        while path < rest.count, let sub = command.configuration.subcommands.first(where: { $0.configuration.commandName == rest[path] }) {
            command = sub
            path += 1
        }
        let end = rest.firstIndex(of: "--") ?? rest.count
        rest.insert(contentsOf: leading, at: max(min(path, end), min(1, end)))
        return rest
    }
}
