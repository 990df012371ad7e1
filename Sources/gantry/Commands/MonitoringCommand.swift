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
        abstract: "Print the Grafana dashboard or the Prometheus alert rules for gantry's metrics.",
        subcommands: [DashboardCommand.self, AlertsCommand.self]
    )
}
