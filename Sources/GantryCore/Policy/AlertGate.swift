package import Foundation

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
    package var matchers: [String]
    package var onUnreachable: OnUnreachable
    package var timeout: Duration
    /// What a matching alert that fires during a rollout does.
    package var duringRollout: DuringRollout = .rollback

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

/// An alert as Alertmanager's API v2 returns it, reduced to what a refusal names.
package struct ActiveAlert: Sendable, Hashable {
    package var name: String
    package var labels: [String: String]
    package var summary: String?
    package var startsAt: Date?

    package init(name: String, labels: [String: String], summary: String? = nil, startsAt: Date? = nil) {
        self.name = name
        self.labels = labels
        self.summary = summary
        self.startsAt = startsAt
    }

    /// Parses `GET /api/v2/alerts`: a JSON array of alerts with `labels`, `annotations`,
    /// `startsAt` and `status.state`. Only `active` ones count (the query asks for those, and
    /// the state is checked again). Anything else is a bad answer, with what was wrong.
    package static func parse(_ data: Data) throws(AlertAnswerError) -> [ActiveAlert] {
        guard let list = try? JSONSerialization.jsonObject(with: data) as? [[String: Any]] else {
            throw AlertAnswerError(description: "Alertmanager's answer is not a JSON list of alerts")
        }
        return list.compactMap { alert in
            guard let labels = alert["labels"] as? [String: String] else { return nil }
            if let status = alert["status"] as? [String: Any], let state = status["state"] as? String, state != "active" { return nil }
            let annotations = alert["annotations"] as? [String: String]
            let starts = (alert["startsAt"] as? String).flatMap { try? Date($0, strategy: .iso8601) }
            return ActiveAlert(name: labels["alertname"] ?? "unnamed", labels: labels, summary: annotations?["summary"], startsAt: starts)
        }
    }
}

/// Alertmanager answered with something that is not its API's shape.
package struct AlertAnswerError: Error, Sendable, CustomStringConvertible {
    package let description: String
}

/// What asking Alertmanager gave.
package enum AlertQuery: Sendable, Hashable {
    case alerts([ActiveAlert])
    /// No usable answer: unreachable, an HTTP error, a bad body; with why.
    case unreachable(String)
}

/// Asks an incident source which alerts are firing. `LiveProber` asks Alertmanager over HTTP.
package protocol AlertSource: Sendable {
    func activeAlerts(_ gate: AlertGateConfig, url: String, timeout: Duration) async -> AlertQuery
}

extension AlertGateConfig {
    /// The kind of the check result a rollout's watch of the gate journals.
    package static let checkKind = "alertmanager"

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

/// The alert source of an engine nobody gave one: every question is unanswerable, so a
/// configured gate follows its `on_unreachable`.
package struct NoAlertSource: AlertSource {
    package init() {}

    package func activeAlerts(_ gate: AlertGateConfig, url: String, timeout: Duration) async -> AlertQuery {
        .unreachable("this gantry was built without an Alertmanager client")
    }
}
