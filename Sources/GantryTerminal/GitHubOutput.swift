import Foundation

/// Appends `key=value` lines to the file named by `$GITHUB_OUTPUT`.
package enum GitHubOutput {
    package static func append(_ text: String, path: String) throws {
        if !FileManager.default.fileExists(atPath: path) { _ = FileManager.default.createFile(atPath: path, contents: nil) }
        let handle = try FileHandle(forWritingTo: URL(fileURLWithPath: path))
        defer { try? handle.close() }
        try handle.seekToEnd()
        try handle.write(contentsOf: Data(text.utf8))
    }
}
