package import Foundation

/// The latest verdict of a check or runner, as `gantry serve` observed it.
package struct ObservationDocument: Encodable, Sendable {
    package var name: String
    package var healthy: Bool
    package var message: String
    var durationSeconds: Double
    package var checkedAt: Date

    init(_ observation: Observation) {
        name = observation.name
        healthy = observation.healthy
        message = observation.message
        durationSeconds = Double(observation.durationMilliseconds) / 1000
        checkedAt = observation.at
    }
}
