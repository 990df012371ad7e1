package import Foundation

/// `select-runner` chose a runner other than its first choice, because that one was unhealthy.
package struct RunnerFailover: Sendable, Hashable, Codable {
    package var environment: String
    package var from: String
    package var to: String
    package var reason: String
    package var at: Date

    package init(environment: String, from: String, to: String, reason: String, at: Date) {
        self.environment = environment
        self.from = from
        self.to = to
        self.reason = reason
        self.at = at
    }
}
