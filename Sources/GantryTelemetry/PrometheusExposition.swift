import CoreMetrics
import Foundation
import GantryCore
import Prometheus

/// Renders a `MetricsSnapshot` in Prometheus' text format, through swift-metrics backed by a
/// fresh swift-prometheus registry, every family with its `# HELP`: each rendering starts from
/// zero, so a series that is no longer true (an old release, a lock given back) disappears
/// instead of lingering.
public enum PrometheusExposition {
    public static func render(_ snapshot: MetricsSnapshot) -> [UInt8] {
        let registry = PrometheusCollectorRegistry()
        var factory = PrometheusMetricsFactory(registry: registry)
        factory.durationHistogramBuckets[MetricName.deploymentDuration] = MetricsSnapshot.deploymentBuckets
        for sample in snapshot.counters {
            CoreMetrics.Counter(label: sample.name, dimensions: dimensions(sample.labels), factory: factory).increment(by: Int64(sample.value))
        }
        for sample in snapshot.gauges {
            Gauge(label: sample.name, dimensions: dimensions(sample.labels), factory: factory).record(sample.value)
        }
        for series in snapshot.histograms {
            let timer = CoreMetrics.Timer(label: series.name, dimensions: dimensions(series.labels), factory: factory)
            for value in series.values { timer.recordNanoseconds(value.milliseconds * 1_000_000) }
        }
        return withHelp(registry.emitToBuffer())
    }

    /// The exposition with a `# HELP` line before each family's `# TYPE` line, as
    /// `promtool check metrics` wants: the swift-metrics facade has no place for help text,
    /// so it is added here from `MetricName.help`.
    static func withHelp(_ exposition: [UInt8]) -> [UInt8] {
        let prefix = Array("# TYPE ".utf8)
        var result: [UInt8] = []
        result.reserveCapacity(exposition.count + 2048)
        for line in exposition.split(separator: UInt8(ascii: "\n"), omittingEmptySubsequences: false) {
            if line.starts(with: prefix) {
                let name = String(decoding: line.dropFirst(prefix.count).prefix { $0 != UInt8(ascii: " ") }, as: UTF8.self)
                let help = MetricName.help[name] ?? name.replacingOccurrences(of: "_", with: " ")
                result += Array("# HELP \(name) \(help)\n".utf8)
            }
            result += line
            result.append(UInt8(ascii: "\n"))
        }
        if exposition.last == UInt8(ascii: "\n") || exposition.isEmpty { result.removeLast() }
        return result
    }

    static func dimensions(_ labels: [MetricsSnapshot.Label]) -> [(String, String)] {
        labels.map { ($0.name, $0.value) }
    }
}
