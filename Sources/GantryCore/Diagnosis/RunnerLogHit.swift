package import Foundation

/// A signature found in a runner log: the code it shows, when, and the line.
package struct RunnerLogHit: Sendable, Hashable {
    package var code: ReasonCode
    package var file: String
    package var at: Date?
    package var line: String
}
