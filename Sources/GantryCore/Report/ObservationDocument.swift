package import Foundation

/// The latest verdict of a check or runner, as `gantry serve` observed it: in the status
/// document's `checks` and the API's `runners`.
package struct ObservationDocument: Encodable, Sendable {
    package var name: String
    package var healthy: Bool
    package var message: String
    var durationSeconds: Double
    package var checkedAt: Date

    package init(_ observation: Observation) {
        name = observation.name
        healthy = observation.healthy
        message = observation.message
        durationSeconds = Double(observation.durationMilliseconds) / 1000
        checkedAt = observation.at
    }
}
