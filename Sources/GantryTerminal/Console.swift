import Foundation
import SystemPackage
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// When to colour output: `auto` on a terminal without `NO_COLOR`, and on GitHub Actions,
/// whose log viewer renders ANSI colour; `always`; `never`.
package enum ColorMode: String, Sendable, Hashable, CaseIterable {
    case auto, always, never
}

/// Where text goes and how it may look: colour by `ColorMode`; GitHub Actions workflow
/// commands only when `GITHUB_ACTIONS=true`.
package struct ConsoleTraits: Sendable, Hashable {
    package var isTerminal: Bool
    package var color: Bool
    package var githubActions: Bool
    package var quiet: Bool
    package var verbose: Bool

    package init(isTerminal: Bool, color: Bool, githubActions: Bool, quiet: Bool = false, verbose: Bool = false) {
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

/// Serialized writes to standard output and standard error, so lines from concurrent tasks
/// never interleave mid-line.
package actor Console {
    package nonisolated let traits: ConsoleTraits

    package init(traits: ConsoleTraits) {
        self.traits = traits
    }

    package func out(_ text: String) {
        Console.write(text, to: STDOUT_FILENO)
    }

    package func err(_ text: String) {
        Console.write(text, to: STDERR_FILENO)
    }

    /// Writes without the actor hop, for the final lines of a process that is about to exit.
    package nonisolated static func write(_ text: String, to descriptor: Int32) {
        // Interrupted writes are retried; a closed pipe or a full disk loses the text, never
        // the process.
        _ = try? FileDescriptor(rawValue: descriptor).writeAll(text.utf8)
    }
}

/// ANSI styling that collapses to plain text when colour is off.
package struct Style: Sendable {
    package let enabled: Bool

    package init(enabled: Bool) {
        self.enabled = enabled
    }

    package func bold(_ text: String) -> String { wrap(text, "1") }
    package func dim(_ text: String) -> String { wrap(text, "2") }
    package func red(_ text: String) -> String { wrap(text, "31") }
    package func green(_ text: String) -> String { wrap(text, "32") }
    package func yellow(_ text: String) -> String { wrap(text, "33") }
    package func cyan(_ text: String) -> String { wrap(text, "36") }

    private func wrap(_ text: String, _ code: String) -> String {
        enabled ? "\u{1B}[\(code)m\(text)\u{1B}[0m" : text
    }
}
