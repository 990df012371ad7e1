import Foundation

/// GitHub Actions workflow commands, escaped as the runner requires, so a reason or a
/// command's output can never be read as a different command.
package enum GitHubActions {
    /// Escapes the message part of a workflow command.
    static func escapeData(_ text: String) -> String {
        text.replacingOccurrences(of: "%", with: "%25")
            .replacingOccurrences(of: "\r", with: "%0D")
            .replacingOccurrences(of: "\n", with: "%0A")
    }

    /// Escapes a property value (`title=…`) of a workflow command.
    static func escapeProperty(_ text: String) -> String {
        escapeData(text).replacingOccurrences(of: ":", with: "%3A").replacingOccurrences(of: ",", with: "%2C")
    }

    /// `::add-mask::` lines for every secret value (and every line of a multi-line one).
    /// They must be printed before anything that could contain the values.
    package static func maskCommands(for values: [String]) -> String {
        var lines: [String] = []
        for value in values where !value.isEmpty {
            for line in value.split(separator: "\n") where !line.trimmingCharacters(in: .whitespaces).isEmpty {
                lines.append("::add-mask::\(escapeData(String(line)))\n")
            }
        }
        return lines.joined()
    }

    package static func error(_ message: String, title: String? = nil) -> String {
        let properties = title.map { " title=\(escapeProperty($0))" } ?? ""
        return "::error\(properties)::\(escapeData(message))\n"
    }

    package static func warning(_ message: String, title: String? = nil) -> String {
        let properties = title.map { " title=\(escapeProperty($0))" } ?? ""
        return "::warning\(properties)::\(escapeData(message))\n"
    }

    static func group(_ title: String) -> String { "::group::\(escapeData(title))\n" }
    static let endGroup = "::endgroup::\n"

    /// A fresh token for `::stop-commands::`; random, so the wrapped output cannot guess it
    /// and end the pause early.
    static func stopToken() -> String {
        (0..<4).map { _ in String(UInt64.random(in: 0...UInt64.max), radix: 16) }.joined()
    }

    static func stopCommands(_ token: String) -> String { "::stop-commands::\(token)\n" }
    static func resumeCommands(_ token: String) -> String { "::\(token)::\n" }

    /// The step summary's size limit.
    static let summaryLimit = 1024 * 1024

    /// Appends `markdown` to the file named by `GITHUB_STEP_SUMMARY`, trimmed so the file
    /// stays under GitHub's 1 MiB limit (a larger summary is dropped whole by the runner).
    package static func appendSummary(_ markdown: String, path: String) throws {
        let existing = (try? FileManager.default.attributesOfItem(atPath: path)[.size] as? Int) ?? 0
        let room = summaryLimit - existing - 256
        guard room > 0 else { return }
        var text = markdown
        if text.utf8.count > room {
            let note = "\n\n_(summary truncated to stay under GitHub's 1 MiB limit)_\n"
            var bytes = Array(text.utf8.prefix(max(0, room - note.utf8.count)))
            while !bytes.isEmpty, String(validating: bytes, as: UTF8.self) == nil { bytes.removeLast() }
            text = String(decoding: bytes, as: UTF8.self) + note
        }
        if !FileManager.default.fileExists(atPath: path) {
            _ = FileManager.default.createFile(atPath: path, contents: nil)
        }
        let handle = try FileHandle(forWritingTo: URL(fileURLWithPath: path))
        defer { try? handle.close() }
        try handle.seekToEnd()
        try handle.write(contentsOf: Data(text.utf8))
    }
}
