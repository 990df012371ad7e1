/// Why a command could not be started at all (nothing ran).
package struct CommandLaunchError: Error, Sendable, CustomStringConvertible {
    package var program: String
    package var reason: String

    package init(program: String, reason: String) {
        self.program = program
        self.reason = reason
    }

    package var description: String { "could not start '\(program)': \(reason)" }
}
