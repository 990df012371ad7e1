import ArgumentParser
import Foundation
import GantryCore
import GantryTelemetry
import GantryTerminal

/// `gantry monitoring`: the Grafana dashboard and the Prometheus alert rules, generated from
/// the metric names the code emits.
struct MonitoringCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "monitoring",
        abstract: "Print the Grafana dashboard, the Prometheus alert rules or the runbooks for gantry's metrics and reason codes.",
        subcommands: [DashboardCommand.self, AlertsCommand.self, RunbookCommand.self]
    )
}
