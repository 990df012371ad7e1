/// Retry and timing of a health check. Unset fields inherit from the environment's
/// `check_defaults`, then from `CheckTiming.defaults`.
package struct CheckTiming: Sendable, Hashable {
    /// The limit of one probe attempt.
    package var timeout: Duration?
    /// How many further attempts follow a failed one.
    package var retries: Int?
    /// The pause between attempts.
    package var interval: Duration?
    /// A grace period after the deploy during which failures do not yet count.
    package var startPeriod: Duration?

    package init(timeout: Duration? = nil, retries: Int? = nil, interval: Duration? = nil, startPeriod: Duration? = nil) {
        self.timeout = timeout
        self.retries = retries
        self.interval = interval
        self.startPeriod = startPeriod
    }

    package static let defaults = CheckTiming(timeout: .seconds(5), retries: 3, interval: .seconds(2), startPeriod: .zero)

    /// These settings with every unset field taken from `fallback`.
    package func merged(over fallback: CheckTiming) -> CheckTiming {
        CheckTiming(
            timeout: timeout ?? fallback.timeout,
            retries: retries ?? fallback.retries,
            interval: interval ?? fallback.interval,
            startPeriod: startPeriod ?? fallback.startPeriod
        )
    }
}

/// One named health check with exactly one probe kind.
package struct CheckConfig: Sendable, Hashable {
    package var name: String
    package var probe: ProbeConfig
    /// The check's own settings, already merged over the environment's defaults.
    package var timing: CheckTiming
    /// `analysis:`: a `prometheus` check judged during a rollout's bakes, not after a deploy.
    package var analysis: AnalysisConfig?

    package init(name: String, probe: ProbeConfig, timing: CheckTiming, analysis: AnalysisConfig? = nil) {
        self.analysis = analysis
        self.name = name
        self.probe = probe
        self.timing = timing
    }
}

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

    package static let kinds = ["http", "tcp", "postgres", "redis", "nginx", "disk", "memory", "command", "prometheus"]
}

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

package struct TCPProbeConfig: Sendable, Hashable {
    package var host: String
    package var port: Int

    package init(host: String, port: Int) {
        self.host = host
        self.port = port
    }
}

package struct PostgresProbeConfig: Sendable, Hashable {
    package var url: String
    package var query: String?
    package var tls: Bool = false

    package init(url: String) { self.url = url }
}

package struct RedisProbeConfig: Sendable, Hashable {
    package var host: String
    package var port: Int = 6379
    package var username: String?
    package var password: String?

    package init(host: String) { self.host = host }
}

package struct NginxProbeConfig: Sendable, Hashable {
    package var url: String
    package var maxActive: Int?
    package var failOnDropped: Bool = false

    package init(url: String) { self.url = url }
}

package struct DiskProbeConfig: Sendable, Hashable {
    package var path: String
    package var minFree: SizeThreshold?
    package var minFreeInodes: SizeThreshold?

    package init(path: String) { self.path = path }
}

package struct MemoryProbeConfig: Sendable, Hashable {
    package var minAvailable: SizeThreshold

    package init(minAvailable: SizeThreshold) { self.minAvailable = minAvailable }
}

package struct CommandProbeConfig: Sendable, Hashable {
    package var command: CommandConfig

    package init(command: CommandConfig) { self.command = command }
}

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
