import ArgumentParser
import Foundation
import GantryTelemetry
import GantryTerminal

/// `gantry monitoring runbook`: docs/runbooks.md, generated from the alert rules and the
/// reason-code table, so the runbook never names a code or an alert the program lacks.
struct RunbookCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "runbook",
        abstract: "Print the runbooks (Markdown): one section per alert and per reason code.",
        discussion: "Publish it where 'gantry monitoring alerts --runbook-url' points; alerts and 'gantry diagnose' link its sections."
    )

    /// Accepted like every command's, so they may be typed anywhere; not used here.
    @OptionGroup(visibility: .hidden) var global: GlobalOptions

    func run() throws {
        Console.write(RunbookDocument.markdown() + "\n", to: STDOUT_FILENO)
    }
}
