/// A command Gantry runs for the user: argv, never a shell line unless asked.
package struct CommandConfig: Sendable, Hashable {
    /// The argument vector; element 0 is the program. With `shell: true` it holds one
    /// element, the script given to `/bin/sh -c`.
    package var argv: [String]
    /// Run through `/bin/sh -c`; placeholders are then shell-quoted.
    package var shell: Bool
    /// The limit of one attempt; then SIGTERM, `grace`, SIGKILL to the whole process group.
    package var timeout: Duration
    /// How long a process gets between SIGTERM and SIGKILL.
    package var grace: Duration
    /// Extra environment variables for the command (values may use `${VAR}`).
    package var environment: [String: String]

    package init(
        argv: [String], shell: Bool = false, timeout: Duration = CommandConfig.defaultTimeout,
        grace: Duration = CommandConfig.defaultGrace, environment: [String: String] = [:]
    ) {
        self.argv = argv
        self.shell = shell
        self.timeout = timeout
        self.grace = grace
        self.environment = environment
    }

    package static let defaultTimeout: Duration = .seconds(30 * 60)
    package static let defaultGrace: Duration = .seconds(10)
}
