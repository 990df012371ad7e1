import GantryCore

/// Runs a command check: exit status 0 passes; the last lines of its output become the
/// message (masked by the check runner).
enum CommandProbe {
    static let keptLines = 5

    static func run(_ config: CommandProbeConfig, runner: any CommandRunner, directory: String, timeout: Duration) async -> ProbeVerdict {
        let command = config.command
        var argv = command.shell ? ["/bin/sh", "-c", command.argv[0]] : command.argv
        argv[0] = command.shell ? argv[0] : (argv[0].contains("/") && !argv[0].hasPrefix("/") ? PathText.join(directory, argv[0]) : argv[0])
        let invocation = CommandInvocation(
            argv: argv, display: argv, environment: command.environment, workingDirectory: directory,
            timeout: min(timeout, command.timeout), grace: .seconds(1)
        )
        let tail = OutputTail(limit: keptLines)
        do {
            let result = try await runner.run(invocation) { await tail.add($0.text) }
            let output = await tail.text
            let suffix = output.isEmpty ? "" : ": \(output)"
            return result.termination.succeeded ? .pass("exit 0\(suffix)") : .fail("command \(result.termination)\(suffix)")
        } catch {
            return .fail(error.description)
        }
    }
}

/// The last few lines of a command's output.
private actor OutputTail {
    let limit: Int
    private var lines: [String] = []

    init(limit: Int) { self.limit = limit }

    func add(_ line: String) {
        lines.append(line)
        if lines.count > limit { lines.removeFirst() }
    }

    var text: String { lines.joined(separator: " / ") }
}
