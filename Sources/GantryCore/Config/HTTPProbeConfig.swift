package struct HTTPProbeConfig: Sendable, Hashable {
    package var url: String
    package var method: String = "GET"
    package var expectStatus: [Int] = []
    package var expectBody: String?
    package var expectJSON: [String: String] = [:]
    package var headers: [String: String] = [:]
    package var caFile: String?
    package var insecure: Bool = false
    package var followRedirects: Bool = false

    package init(url: String) { self.url = url }
}
