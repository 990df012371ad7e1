/// Asks an incident source which alerts are firing. `LiveProber` asks Alertmanager over HTTP.
package protocol AlertSource: Sendable {
    func activeAlerts(_ gate: AlertGateConfig, url: String, timeout: Duration) async -> AlertQuery
}
