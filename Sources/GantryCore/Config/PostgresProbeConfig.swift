package struct PostgresProbeConfig: Sendable, Hashable {
    package var url: String
    package var query: String?
    package var tls: Bool = false

    package init(url: String) { self.url = url }
}
