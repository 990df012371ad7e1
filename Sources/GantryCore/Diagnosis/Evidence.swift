package import Foundation

/// One line that supports a finding: where it was read, when, and the line itself (masked).
package struct Evidence: Sendable, Hashable, Codable {
    /// `journal`, `output`, `runner_log:Runner_20261201-101500-utc.log`, `kernel`, `machine`, `store`.
    package var source: String
    package var at: Date?
    package var line: String

    init(source: String, at: Date?, line: String) {
        self.source = source
        self.at = at
        self.line = line
    }
}
