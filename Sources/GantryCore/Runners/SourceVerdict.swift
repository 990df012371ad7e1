/// A source's verdict on a runner.
package struct SourceVerdict: Sendable, Hashable, Codable {
    package enum State: String, Sendable, Hashable, Codable {
        case healthy
        case unhealthy
        /// The source could not say (no data, unreachable, rate-limited): not healthy.
        case unknown
    }

    package var source: String
    package var state: State
    package var message: String
    package var latencyMilliseconds: Int64

    package init(source: String, state: State, message: String, latencyMilliseconds: Int64 = 0) {
        self.source = source
        self.state = state
        self.message = message
        self.latencyMilliseconds = latencyMilliseconds
    }
}
