/// Asks one source about one runner. The adapter must answer within `source.timeout`.
package protocol RunnerProber: Sendable {
    /// - Parameter isThisMachine: whether the runner is the machine Gantry runs on (local
    ///   sources can only judge that one).
    func probe(_ source: RunnerSource, runner: RunnerConfig, isThisMachine: Bool, environment: [String: String]) async -> SourceVerdict
}
