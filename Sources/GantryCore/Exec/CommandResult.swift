package struct CommandResult: Sendable, Hashable {
    package var termination: CommandTermination
    package var duration: Duration
    /// What the command's output showed (`OutputSignatures`), set by the engine that read
    /// it; runners leave it nil.
    package var recognized: ReasonCode?

    package init(termination: CommandTermination, duration: Duration) {
        self.termination = termination
        self.duration = duration
    }
}
