import Foundation
import GantryCore

/// Shell completion of environment names: the `environments:` of the config the command line
/// names (`-c FILE`, `--config FILE`, `--config=FILE`), else `$GANTRY_CONFIG`, else
/// `gantry.yml`, read without validating it, so a half-written config still completes.
enum EnvironmentCompletion {
    @Sendable static func complete(_ words: [String], _ index: Int, _ prefix: String) -> [String] {
        var path = ProcessInfo.processInfo.environment["GANTRY_CONFIG"] ?? "gantry.yml"
        for (offset, word) in words.enumerated() {
            if word == "-c" || word == "--config", offset + 1 < words.count {
                path = words[offset + 1]
            } else if word.hasPrefix("--config=") {
                path = String(word.dropFirst("--config=".count))
            }
        }
        guard let data = FileManager.default.contents(atPath: path), let text = String(validating: data, as: UTF8.self) else { return [] }
        return ConfigParser.environmentNames(text: text).filter { $0.hasPrefix(prefix) }
    }
}
