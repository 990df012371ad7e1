/// Alertmanager answered with something that is not its API's shape.
package struct AlertAnswerError: Error, Sendable, CustomStringConvertible {
    package let description: String
}
