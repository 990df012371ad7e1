import Foundation

/// `protect.alertmanager`: deploys are refused while Alertmanager has active alerts that match
/// (not silenced, not inhibited): a release never goes out into an incident.
package struct AlertGateConfig: Sendable, Hashable {
    /// What a deploy does when Alertmanager cannot be asked.
    package enum OnUnreachable: String, Sendable, Hashable {
        /// Refuse (`alert_gate_unreachable`): an unknown incident state is not a clear one.
        case block
        /// Deploy, and say so in the journal.
        case allow
    }

    /// Alertmanager's base URL (`http://alertmanager:9093`), or a whole `${VAR}`.
    package var url: String
    /// Label matchers in Alertmanager's syntax (`severity="critical"`), all of which an alert
    /// must match to count.
    var matchers: [String]
    package var onUnreachable: OnUnreachable
    package var timeout: Duration
    /// What a matching alert that fires during a rollout does.
    var duringRollout: DuringRollout = .rollback

    /// `during_rollout:`: roll back the hosts deployed so far (the default), or pause the
    /// rollout for a person (`gantry promote` / `gantry abort`).
    package enum DuringRollout: String, Sendable, Hashable, CaseIterable {
        case rollback, pause
    }

    package init(url: String, matchers: [String], onUnreachable: OnUnreachable = .block, timeout: Duration = .seconds(5), duringRollout: DuringRollout = .rollback) {
        self.duringRollout = duringRollout
        self.url = url
        self.matchers = matchers
        self.onUnreachable = onUnreachable
        self.timeout = timeout
    }

    /// Whether `text` is one matcher: a label name, `=`, `!=`, `=~` or `!~`, and a quoted value.
    package static func isMatcher(_ text: String) -> Bool {
        text.wholeMatch(of: /[a-zA-Z_][a-zA-Z0-9_]*(=|!=|=~|!~)"(?:[^"\\]|\\.)*"/) != nil
    }

    /// The API v2 query for active, unsilenced, uninhibited alerts matching every matcher.
    package func query(baseURL: String) -> String {
        var components = URLComponents()
        components.queryItems = [
            URLQueryItem(name: "active", value: "true"), URLQueryItem(name: "silenced", value: "false"),
            URLQueryItem(name: "inhibited", value: "false"),
        ] + matchers.map { URLQueryItem(name: "filter", value: $0) }
        // `+` and `=` inside a matcher must reach the server as themselves, not as a space.
        let query = (components.percentEncodedQuery ?? "").replacingOccurrences(of: "+", with: "%2B")
        let base = baseURL.hasSuffix("/") ? String(baseURL.dropLast()) : baseURL
        return "\(base)/api/v2/alerts?\(query)"
    }
}

extension AlertGateConfig {
    /// The kind of the check result a rollout's watch of the gate journals.
    static let checkKind = "alertmanager"

    /// The refusal the gate's answer gives, or nil to go on (with a note when Alertmanager
    /// could not be asked and `on_unreachable: allow`).
    package func judge(_ answer: AlertQuery, environment: String) -> (refusal: Refusal?, note: String?) {
        switch answer {
        case .alerts(let alerts) where alerts.isEmpty:
            return (nil, nil)
        case .alerts(let alerts):
            let names = alerts.prefix(5).map { alert in alert.summary.map { "\(alert.name) (\($0))" } ?? alert.name }
            let more = alerts.count > 5 ? " and \(alerts.count - 5) more" : ""
            return (Refusal(.activeAlerts, "\(environment) has \(alerts.count) active alert\(alerts.count == 1 ? "" : "s") matching \(matchers.joined(separator: ", ")): \(names.joined(separator: ", "))\(more); resolve or silence them in Alertmanager"), nil)
        case .unreachable(let why):
            switch onUnreachable {
            case .block:
                return (Refusal(.alertGateUnreachable, "Alertmanager could not be asked for active alerts (\(why)) and protect.alertmanager.on_unreachable is block"), nil)
            case .allow:
                return (nil, "Alertmanager could not be asked for active alerts (\(why)); on_unreachable: allow, so the deploy goes on")
            }
        }
    }
}
