import Foundation
package import GantryCore
package import GantryTelemetry

/// What `gantry serve` knows and shows: the latest read of the state store, its own polled
/// runner and check verdicts (smoothed by hysteresis), and the three renderings served from
/// them. Renderings are rebuilt on every update, not per request, so a scrape or a page load
/// only copies bytes.
package actor StatusBoard {
    let version: String
    let refresh: Int
    var hysteresis: HealthHysteresis
    var stored: MonitoringState
    var live: [Observation] = []
    var storeError: String?

    package private(set) var metrics: [UInt8] = []
    private(set) var statusJSON: [UInt8] = []
    private(set) var page: String = ""

    package init(initial: MonitoringState, version: String, downAfter: Int, upAfter: Int, refreshSeconds: Int) {
        self.version = version
        refresh = refreshSeconds
        hysteresis = HealthHysteresis(downAfter: downAfter, upAfter: upAfter)
        stored = initial
        storeError = nil
        (metrics, statusJSON, page) = Self.render(initial, version: version, storeError: nil, refresh: refreshSeconds)
    }

    /// A new read of the state store.
    func update(_ state: MonitoringState) {
        stored = state
        storeError = nil
        rerender()
    }

    /// The store could not be read; the last good read stays on show, with the reason.
    package func storeFailed(_ reason: String) {
        storeError = reason
        rerender()
    }

    /// Raw verdicts of one poll (runners, or one environment's checks).
    package func observe(_ observations: [Observation]) {
        live = Observation.merge(live, hysteresis.smooth(observations))
        rerender()
    }

    /// The state as shown: the store's read with this process's fresher verdicts over it.
    package var current: MonitoringState {
        var state = stored
        state.merge(live)
        return state
    }

    func rerender() {
        (metrics, statusJSON, page) = Self.render(current, version: version, storeError: storeError, refresh: refresh)
    }

    private static func render(_ state: MonitoringState, version: String, storeError: String?, refresh: Int) -> ([UInt8], [UInt8], String) {
        let document = StatusDocument(state, version: version, storeError: storeError)
        return (PrometheusExposition.render(MetricsSnapshot(state, version: version)), document.encoded(), StatusPage.render(document, refresh: refresh))
    }
}
