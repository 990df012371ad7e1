package struct CommandProbeConfig: Sendable, Hashable {
    package var command: CommandConfig

    package init(command: CommandConfig) { self.command = command }
}
