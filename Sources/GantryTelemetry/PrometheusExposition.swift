import CoreMetrics
import Foundation
import GantryCore
import Prometheus

/// Renders a `MetricsSnapshot` in Prometheus' text format, through swift-metrics backed by a
/// fresh swift-prometheus registry, every family with its `# HELP`: each rendering starts from
/// zero, so a series that is no longer true (an old release, a lock given back) disappears
/// instead of lingering.
package enum PrometheusExposition {
    package static func render(_ snapshot: MetricsSnapshot) -> [UInt8] {
        let registry = PrometheusCollectorRegistry()
        let factory = PrometheusMetricsFactory(registry: registry)
        for sample in snapshot.counters {
            CoreMetrics.Counter(label: sample.name, dimensions: dimensions(sample.labels), factory: factory).increment(by: Int64(sample.value))
        }
        for sample in snapshot.gauges {
            Gauge(label: sample.name, dimensions: dimensions(sample.labels), factory: factory).record(sample.value)
        }
        return withHelp(registry.emitToBuffer() + histogramText(snapshot.histograms))
    }

    /// Histograms in the text format, written here because the store keeps them already
    /// counted into buckets: swift-metrics' histograms only take one observation at a time,
    /// and replaying a hundred thousand deployments on every scrape is what the totals are
    /// there to avoid. Same form as swift-prometheus writes (`le="60.0"`, then `+Inf`, `_sum`,
    /// `_count`).
    static func histogramText(_ histograms: [MetricsSnapshot.Histogram]) -> [UInt8] {
        var text = ""
        var typed = Set<String>()
        for series in histograms {
            if typed.insert(series.name).inserted { text += "# TYPE \(series.name) histogram\n" }
            let labels = series.labels.map { "\($0.name)=\"\(escaped($0.value))\"" }.joined(separator: ",")
            var cumulative = 0
            for (index, count) in series.buckets.enumerated() {
                cumulative += count
                let bound = index < HistoryTotals.durationBuckets.count ? "\(Double(HistoryTotals.durationBuckets[index].milliseconds) / 1000)" : "+Inf"
                text += "\(series.name)_bucket{\(labels),le=\"\(bound)\"} \(cumulative)\n"
            }
            text += "\(series.name)_sum{\(labels)} \(Double(series.sum.milliseconds) / 1000)\n"
            text += "\(series.name)_count{\(labels)} \(series.count)\n"
        }
        return Array(text.utf8)
    }

    /// A label value as the text format wants it: backslash, double quote and newline escaped.
    static func escaped(_ value: String) -> String {
        value.replacingOccurrences(of: "\\", with: "\\\\").replacingOccurrences(of: "\"", with: "\\\"").replacingOccurrences(of: "\n", with: "\\n")
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
