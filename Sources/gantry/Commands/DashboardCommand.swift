import ArgumentParser
import Foundation
import GantryCore
import GantryTelemetry
import GantryTerminal

struct DashboardCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "dashboard",
        abstract: "Print a Grafana dashboard (JSON) for gantry's metrics.",
        discussion: """
            Import it in Grafana (Dashboards → New → Import; pick the Prometheus data source when \
            asked) or provision it from a file: panels use the dashboard's data source variable, \
            which defaults to your default Prometheus, so neither path ends in "datasource not found".
            """
    )

    /// Accepted like every command's, so they may be typed anywhere; not used here.
    @OptionGroup(visibility: .hidden) var global: GlobalOptions

    func run() throws {
        Console.write(GrafanaDashboard.render(), to: STDOUT_FILENO)
    }
}
