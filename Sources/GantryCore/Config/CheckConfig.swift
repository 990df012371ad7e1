/// Retry and timing of a health check. Unset fields inherit from the environment's
/// `check_defaults`, then from `CheckTiming.defaults`.
public struct CheckTiming: Sendable, Hashable {
    /// The limit of one probe attempt.
    public var timeout: Duration?
    /// How many further attempts follow a failed one.
    public var retries: Int?
    /// The pause between attempts.
    public var interval: Duration?
    /// A grace period after the deploy during which failures do not yet count.
    public var startPeriod: Duration?

    public init(timeout: Duration? = nil, retries: Int? = nil, interval: Duration? = nil, startPeriod: Duration? = nil) {
        self.timeout = timeout
        self.retries = retries
        self.interval = interval
        self.startPeriod = startPeriod
    }

    public static let defaults = CheckTiming(timeout: .seconds(5), retries: 3, interval: .seconds(2), startPeriod: .zero)

    /// These settings with every unset field taken from `fallback`.
    public func merged(over fallback: CheckTiming) -> CheckTiming {
        CheckTiming(
            timeout: timeout ?? fallback.timeout,
            retries: retries ?? fallback.retries,
            interval: interval ?? fallback.interval,
            startPeriod: startPeriod ?? fallback.startPeriod
        )
    }
}

/// One named health check with exactly one probe kind.
public struct CheckConfig: Sendable, Hashable {
    public var name: String
    public var probe: ProbeConfig
    /// The check's own settings, already merged over the environment's defaults.
    public var timing: CheckTiming
    /// `analysis:`: a `prometheus` check judged during a rollout's bakes, not after a deploy.
    public var analysis: AnalysisConfig?

    public init(name: String, probe: ProbeConfig, timing: CheckTiming, analysis: AnalysisConfig? = nil) {
        self.analysis = analysis
        self.name = name
        self.probe = probe
        self.timing = timing
    }
}

/// What a check probes, and how it judges the answer.
public enum ProbeConfig: Sendable, Hashable {
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
    public var kind: String {
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

    public static let kinds = ["http", "tcp", "postgres", "redis", "nginx", "disk", "memory", "command", "prometheus"]
}

public struct HTTPProbeConfig: Sendable, Hashable {
    public var url: String
    public var method: String = "GET"
    public var expectStatus: [Int] = []
    public var expectBody: String?
    public var expectJSON: [String: String] = [:]
    public var headers: [String: String] = [:]
    public var caFile: String?
    public var insecure: Bool = false
    public var followRedirects: Bool = false

    public init(url: String) { self.url = url }
}

public struct TCPProbeConfig: Sendable, Hashable {
    public var host: String
    public var port: Int

    public init(host: String, port: Int) {
        self.host = host
        self.port = port
    }
}

public struct PostgresProbeConfig: Sendable, Hashable {
    public var url: String
    public var query: String?
    public var tls: Bool = false

    public init(url: String) { self.url = url }
}

public struct RedisProbeConfig: Sendable, Hashable {
    public var host: String
    public var port: Int = 6379
    public var username: String?
    public var password: String?

    public init(host: String) { self.host = host }
}

public struct NginxProbeConfig: Sendable, Hashable {
    public var url: String
    public var maxActive: Int?
    public var failOnDropped: Bool = false

    public init(url: String) { self.url = url }
}

public struct DiskProbeConfig: Sendable, Hashable {
    public var path: String
    public var minFree: SizeThreshold?
    public var minFreeInodes: SizeThreshold?

    public init(path: String) { self.path = path }
}

public struct MemoryProbeConfig: Sendable, Hashable {
    public var minAvailable: SizeThreshold

    public init(minAvailable: SizeThreshold) { self.minAvailable = minAvailable }
}

public struct CommandProbeConfig: Sendable, Hashable {
    public var command: CommandConfig

    public init(command: CommandConfig) { self.command = command }
}

public struct PrometheusProbeConfig: Sendable, Hashable {
    public enum NoData: String, Sendable, Hashable { case fail, pass }

    public var url: String
    public var query: String
    public var min: Double?
    public var max: Double?
    public var equals: Double?
    public var onNoData: NoData = .fail
    /// `compare:`: judge the canary against the baseline instead of `query` against limits.
    public var compare: CompareConfig?

    public init(url: String, query: String) {
        self.url = url
        self.query = query
    }
}
