import ArgumentParser

/// Options every command takes.
struct GlobalOptions: ParsableArguments {
    @Option(name: [.customShort("c"), .long], help: ArgumentHelp("The configuration file (default: gantry.yml, or $GANTRY_CONFIG).", valueName: "file"), completion: .file(extensions: ["yml", "yaml"]))
    var config: String?

    @Option(name: .long, help: ArgumentHelp("The state store URL, overriding the config's state: (or $GANTRY_STATE).", valueName: "url"))
    var state: String?

    @Flag(name: [.short, .long], help: "Print only results and errors, not command output.")
    var quiet = false

    @Flag(name: [.short, .long], help: "Print what gantry reads and decides (config, state store, lease) to standard error.")
    var verbose = false

    @Option(help: ArgumentHelp("auto (a terminal without NO_COLOR, or GitHub Actions), always or never.", valueName: "when"))
    var color: ColorChoice = .auto

    /// At least 100ms. The default is spelled in the help: a transform's is not shown.
    @Option(
        help: ArgumentHelp("Without a terminal (piped, CI): how often a waiting step (the lock, a bake, a pause, checks) says it still waits. (default: 10s)", valueName: "duration"),
        transform: { try Duration.interval(argument: $0, option: "--progress-interval", example: "10s") }
    )
    var progressInterval: Duration = .seconds(10)
}
