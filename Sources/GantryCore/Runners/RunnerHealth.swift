/// One runner's verdict and how it was reached.
package struct RunnerHealth: Sendable, Hashable {
    package var runner: RunnerConfig
    package var healthy: Bool
    package var sources: [SourceVerdict]

    /// Why it is (not) healthy, in a line.
    package var reason: String {
        let relevant = healthy ? sources : sources.filter { $0.state != .healthy }
        return relevant.map { "\($0.source): \($0.message)" }.joined(separator: "; ")
    }
}
