package import Foundation

/// A freeze as every JSON output shows it.
package struct FreezeView: Encodable, Sendable {
    package var reason: String
    package var by: String
    package var at: Date

    init(_ freeze: EnvironmentState.Freeze) {
        reason = freeze.reason
        by = freeze.by
        at = freeze.at
    }
}
