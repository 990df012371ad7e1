import ArgumentParser
import Foundation
import GantryCore

/// argument-parser's errors in gantry's own form: one prefix for every error a person reads
/// (`gantry: error:`, as `Failure.report` writes), argument-parser's usage line and hints
/// kept, and a "did you mean" for a mistyped command, which argument-parser only offers for
/// options.
enum ArgumentErrorText {
    static func unified(_ message: String, arguments: [String]) -> String {
        var text = message
        if text.hasPrefix("Error: ") { text = "gantry: error: " + text.dropFirst("Error: ".count) }
        if let typed = unknownCommand(in: text, arguments: arguments), let suggestion = closestCommand(to: typed) {
            let lines = text.split(separator: "\n", omittingEmptySubsequences: false)
            text = ([lines[0] + " (did you mean '\(suggestion)'?)"] + lines.dropFirst()).joined(separator: "\n")
        }
        return text
    }

    /// The word typed where a command was expected, when it names none and argument-parser
    /// said so (`Unexpected argument 'deplyo'`, `2 unexpected arguments: 'deplyo', …`).
    static func unknownCommand(in text: String, arguments: [String]) -> String? {
        guard text.contains("nexpected argument"), let typed = GlobalArguments.reorder(arguments).first, !typed.hasPrefix("-") else { return nil }
        guard !Gantry.configuration.subcommands.contains(where: { $0.configuration.commandName == typed }) else { return nil }
        return text.contains("'\(typed)'") ? typed : nil
    }

    /// The command whose name is within two edits of `typed`, the nearest first.
    static func closestCommand(to typed: String) -> String? {
        var names: [String] = []
        for command in Gantry.configuration.subcommands {
            if let name = command.configuration.commandName { names.append(name) }
        }
        let ranked = names.map { ($0, editDistance(typed.lowercased(), $0)) }.filter { $0.1 <= 2 }.sorted { $0.1 < $1.1 }
        return ranked.first?.0
    }
}
