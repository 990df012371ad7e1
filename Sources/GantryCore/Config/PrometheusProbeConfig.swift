package struct PrometheusProbeConfig: Sendable, Hashable {
    package enum NoData: String, Sendable, Hashable { case fail, pass }

    package var url: String
    package var query: String
    package var min: Double?
    package var max: Double?
    package var equals: Double?
    package var onNoData: NoData = .fail
    /// `compare:`: judge the canary against the baseline instead of `query` against limits.
    package var compare: CompareConfig?

    package init(url: String, query: String) {
        self.url = url
        self.query = query
    }
}
