package import Foundation

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
