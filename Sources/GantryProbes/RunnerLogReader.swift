package import Foundation
package import GantryCore

/// Reads a GitHub Actions runner's `_diag` directory: its `Runner_*.log` and `Worker_*.log`
/// files changed since `since`, oldest first.
package enum RunnerLogReader {
    package static func read(directory: String, since: Date) throws -> [RunnerLogFile] {
        let manager = FileManager.default
        let names: [String]
        do {
            names = try manager.contentsOfDirectory(atPath: directory)
        } catch {
            throw RunnerLogError(description: "cannot read the runner's log directory \(directory): \(error.localizedDescription)")
        }
        var files: [(name: String, modified: Date, path: String)] = []
        for name in names where (name.hasPrefix("Runner_") || name.hasPrefix("Worker_")) && name.hasSuffix(".log") {
            let path = PathText.join(directory, name)
            let modified = (try? manager.attributesOfItem(atPath: path)[.modificationDate] as? Date) ?? .distantFuture
            if modified >= since { files.append((name, modified, path)) }
        }
        return files.sorted { $0.modified < $1.modified }.compactMap { file in
            guard let data = manager.contents(atPath: file.path) else { return nil }
            return RunnerLogFile(name: file.name, bytes: [UInt8](data))
        }
    }
}
