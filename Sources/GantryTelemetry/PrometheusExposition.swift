import CoreMetrics
import GantryCore
import Prometheus

/// Renders a `MetricsSnapshot` in Prometheus' text format, through swift-metrics backed by a
/// fresh swift-prometheus registry: each rendering starts from zero, so a series that is no
/// longer true (an old release, a lock given back) disappears instead of lingering.
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
        return registry.emitToBuffer()
    }

    static func dimensions(_ labels: [MetricsSnapshot.Label]) -> [(String, String)] {
        labels.map { ($0.name, $0.value) }
    }
}
