/// The alert source of an engine nobody gave one: every question is unanswerable, so a
/// configured gate follows its `on_unreachable`.
package struct NoAlertSource: AlertSource {
    init() {}

    package func activeAlerts(_ gate: AlertGateConfig, url: String, timeout: Duration) async -> AlertQuery {
        .unreachable("this gantry was built without an Alertmanager client")
    }
}
