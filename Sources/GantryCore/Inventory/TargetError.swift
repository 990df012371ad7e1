/// Why an environment's targets could not be worked out.
package struct TargetError: Error, Sendable, CustomStringConvertible {
    package var description: String
}
