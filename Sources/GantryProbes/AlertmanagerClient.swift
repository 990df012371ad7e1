import Foundation
package import GantryCore

/// Asks Alertmanager's API v2 for the alerts that block a deploy: active, not silenced, not
/// inhibited, matching the gate's matchers (`GET /api/v2/alerts?…&filter=…`).
extension LiveProber: AlertSource {
    package func activeAlerts(_ gate: AlertGateConfig, url: String, timeout: Duration) async -> AlertQuery {
        let key = HTTPClients.Key(caFile: nil, insecure: false, followRedirects: false)
        switch await HTTPProbe(clients: http).fetch(url: gate.query(baseURL: url), key: key, timeout: timeout) {
        case .failure(let failure):
            return .unreachable(failure.message)
        case .success(let answer):
            guard (200...299).contains(answer.status) else {
                return .unreachable("Alertmanager answered HTTP \(answer.status)")
            }
            do throws(AlertAnswerError) {
                return .alerts(try ActiveAlert.parse(Data(answer.body)))
            } catch {
                return .unreachable(error.description)
            }
        }
    }
}
