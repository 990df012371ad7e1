package struct NginxProbeConfig: Sendable, Hashable {
    package var url: String
    package var maxActive: Int?
    package var failOnDropped: Bool = false

    package init(url: String) { self.url = url }
}
