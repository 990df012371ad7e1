import GantryCore

struct RunnerView: Encodable {
    var name: String
    var labels: [String]
    var priority: Int
    var healthy: Bool
    var sources: [SourceView]

    struct SourceView: Encodable {
        var source: String
        var state: String
        var message: String
        var latencySeconds: Double
    }

    init(_ health: RunnerHealth) {
        name = health.runner.name
        labels = health.runner.labels
        priority = health.runner.priority
        healthy = health.healthy
        sources = health.sources.map { SourceView(source: $0.source, state: $0.state.rawValue, message: $0.message, latencySeconds: Double($0.latencyMilliseconds) / 1000) }
    }
}
