import ArgumentParser
import Foundation
import GantryCore
import GantryTelemetry
import GantryTerminal

struct AlertsCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "alerts",
        abstract: "Print Prometheus alert rules for gantry's metrics.",
        discussion: """
            With a gantry.yml (the default one, or -c FILE), a deployment counts as stuck per \
            environment after its deploy attempts, verification and rollback timeouts together \
            plus five minutes; without one, after an hour. Check the file with \
            'promtool check rules'.
            """
    )

    @OptionGroup var global: GlobalOptions

    @Option(help: ArgumentHelp("Where you publish docs/runbooks.md (its URL in your Git host or wiki); each alert links <url>#<alert name in lower case>.", valueName: "url"))
    var runbookURL = "docs/runbooks.md"

    @Option(help: ArgumentHelp("The Prometheus job that scrapes 'gantry serve'.", valueName: "name"))
    var job = "gantry"

    func run() throws {
        let context = Context(options: global)
        var stuck: [(environment: String, after: Duration)] = []
        let explicit = global.config != nil || context.environment["GANTRY_CONFIG"] != nil
        if explicit || FileManager.default.fileExists(atPath: PathText.join(context.workingDirectory, context.configPath)) {
            let config = try context.loadConfig()
            stuck = config.environments.map { ($0.name, AlertRules.stuckAfter($0)) }
        }
        Console.write(AlertRules(runbookBase: runbookURL, job: job, stuckAfter: stuck).render(), to: STDOUT_FILENO)
    }
}
