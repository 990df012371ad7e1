import Foundation

/// A `${VAR}` the deployment's command uses that the process environment does not set.
package struct UnsetCommandVariable: Error, Sendable, Hashable, CustomStringConvertible {
    var missing: Interpolation.MissingVariable
    /// "deploy" or "rollback": whose command uses it.
    package var command: String
    package var environment: String

    package var description: String {
        "\(missing), but the \(command) command of \(environment) uses it; nothing was changed"
    }
}
