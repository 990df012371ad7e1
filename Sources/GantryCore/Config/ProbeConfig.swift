/// What a check probes, and how it judges the answer.
package enum ProbeConfig: Sendable, Hashable {
    case http(HTTPProbeConfig)
    case tcp(TCPProbeConfig)
    case postgres(PostgresProbeConfig)
    case redis(RedisProbeConfig)
    case nginx(NginxProbeConfig)
    case disk(DiskProbeConfig)
    case memory(MemoryProbeConfig)
    case command(CommandProbeConfig)
    case prometheus(PrometheusProbeConfig)

    /// The YAML key of this kind.
    package var kind: String {
        switch self {
        case .http: "http"
        case .tcp: "tcp"
        case .postgres: "postgres"
        case .redis: "redis"
        case .nginx: "nginx"
        case .disk: "disk"
        case .memory: "memory"
        case .command: "command"
        case .prometheus: "prometheus"
        }
    }

    static let kinds = ["http", "tcp", "postgres", "redis", "nginx", "disk", "memory", "command", "prometheus"]
}
