/// One sample of a Prometheus answer.
package struct PrometheusSample: Sendable, Hashable {
    package var labels: [String: String]
    package var value: Double

    package init(labels: [String: String], value: Double) {
        self.labels = labels
        self.value = value
    }
}
