#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Where text goes and how it may look: colour by `ColorMode`; GitHub Actions workflow
/// commands only when `GITHUB_ACTIONS=true`.
package struct ConsoleTraits: Sendable, Hashable {
    package var isTerminal: Bool
    package var color: Bool
    package var githubActions: Bool
    package var quiet: Bool
    package var verbose: Bool

    init(isTerminal: Bool, color: Bool, githubActions: Bool, quiet: Bool = false, verbose: Bool = false) {
        self.isTerminal = isTerminal
        self.color = color
        self.githubActions = githubActions
        self.quiet = quiet
        self.verbose = verbose
    }

    /// Reads the traits of this process's standard output and environment.
    package static func detect(environment: [String: String], quiet: Bool, verbose: Bool, color mode: ColorMode = .auto) -> ConsoleTraits {
        let terminal = isatty(STDOUT_FILENO) == 1 && environment["TERM"] != "dumb"
        let noColor = environment["NO_COLOR"].map { !$0.isEmpty } ?? false
        let githubActions = environment["GITHUB_ACTIONS"] == "true"
        let color = switch mode {
        case .always: true
        case .never: false
        case .auto: !noColor && (terminal || githubActions)
        }
        return ConsoleTraits(isTerminal: terminal, color: color, githubActions: githubActions, quiet: quiet, verbose: verbose)
    }
}
