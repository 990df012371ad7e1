package struct RedisProbeConfig: Sendable, Hashable {
    package var host: String
    package var port: Int = 6379
    package var username: String?
    package var password: String?

    package init(host: String) { self.host = host }
}
