package import GantryCore
import Foundation

/// Reads and validates a configuration file (noting its SHA-256), or says every problem: the file's existence,
/// its encoding, the parser's positioned issues, and URL fields written as a whole `${VAR}`
/// that this process does not set.
package enum ConfigLoader {
    /// Why there is no configuration to use (exit 2).
    package enum Failure: Error, Sendable {
        case usage(String)
        case config(ConfigError)
    }

    /// Loads `file` (as the user named it) from `workingDirectory`. With `checkDeferred`,
    /// whole-`${VAR}` URL fields are checked against `processEnvironment` now (`validate`
    /// only lists them).
    package static func load(
        _ file: String, workingDirectory: String, processEnvironment: [String: String], checkDeferred: Bool
    ) throws(Failure) -> GantryConfig {
        let path = PathText.join(workingDirectory, file)
        guard FileManager.default.fileExists(atPath: path) else {
            throw .usage("no configuration at \(file) (looked in \(PathText.directory(of: path))); run 'gantry init' to write an example, or pass -c FILE")
        }
        guard let data = FileManager.default.contents(atPath: path) else {
            throw .usage("cannot read \(file): permission denied or not a file")
        }
        guard let text = String(validating: data, as: UTF8.self) else {
            throw .usage("\(file) is not UTF-8 text")
        }
        var config: GantryConfig
        do {
            config = try ConfigParser.parse(text: text, file: file, directory: PathText.directory(of: path))
        } catch {
            throw .config(error)
        }
        config.digest = "sha256:" + EvidenceArchive.sha256(data)
        let problems = checkDeferred ? DeferredURL.problems(config.deferredURLs, environment: processEnvironment) : []
        if !problems.isEmpty {
            throw .usage("\(file): " + problems.joined(separator: "; ") + "; nothing was changed")
        }
        return config
    }
}
