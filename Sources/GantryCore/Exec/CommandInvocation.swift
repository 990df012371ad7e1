/// A command ready to run: argv with placeholders filled in, and how to bound it.
package struct CommandInvocation: Sendable, Hashable {
    /// The real argument vector (may hold secret values; never print it, print `display`).
    package var argv: [String]
    /// The argv with secret values masked, for output and the journal.
    package var display: [String]
    /// Variables added to the inherited environment.
    package var environment: [String: String]
    package var workingDirectory: String
    package var timeout: Duration
    package var grace: Duration
    /// Set for commands that change production under a lease (deploy, rollback, recovery):
    /// the command then runs under a guard process that stops it when the holder stops
    /// confirming renewals, even if gantry itself is frozen or killed.
    package var leaseGuard: LeaseGuardSpec?

    package init(
        argv: [String], display: [String], environment: [String: String], workingDirectory: String, timeout: Duration, grace: Duration,
        leaseGuard: LeaseGuardSpec? = nil
    ) {
        self.argv = argv
        self.display = display
        self.environment = environment
        self.workingDirectory = workingDirectory
        self.timeout = timeout
        self.grace = grace
        self.leaseGuard = leaseGuard
    }
}
