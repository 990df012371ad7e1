import ArgumentParser
import Foundation
import GantryCore
import GantryTerminal

/// `gantry version`: which build this is, so a runner's gantry can be matched to a commit.
struct VersionCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "version",
        abstract: "Print gantry's version, the commit and date it was built from, its Swift version and target.",
        discussion: "'gantry --version' prints the same line. --short prints the version alone (what packages and scripts compare)."
    )

    /// Accepted like every command's, so they may be typed anywhere; not used here.
    @OptionGroup(visibility: .hidden) var global: GlobalOptions

    @Flag(help: "Print it as JSON: version, commit, build_date, swift_version, target.")
    var json = false

    @Flag(help: "Print the version number alone.")
    var short = false

    func run() throws {
        let info = BuildInfo.current
        if json {
            JSONOutput.print(info)
        } else {
            Console.write((short ? info.version : info.line) + "\n", to: STDOUT_FILENO)
        }
    }
}
