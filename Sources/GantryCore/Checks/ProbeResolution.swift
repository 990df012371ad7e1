/// Prepares a configured probe for one target: `{host}` substituted, `${VAR}` resolved.
extension ProbeConfig {
    /// Whether any field of the probe mentions `{host}`, so it expands to one probe per target.
    var usesHost: Bool {
        fields.contains { $0.contains("{host}") }
    }

    private var fields: [String] {
        switch self {
        case .http(let http): [http.url] + Array(http.headers.values)
        case .tcp(let tcp): [tcp.host]
        case .postgres(let postgres): [postgres.url]
        case .redis(let redis): [redis.host]
        case .nginx(let nginx): [nginx.url]
        case .disk, .memory: []
        case .command(let command): command.command.argv
        case .prometheus(let prometheus): [prometheus.url, prometheus.query]
        }
    }

    /// The probe with `{host}` replaced by `host` and every `${VAR}` by its value.
    package func resolved(host: String?, environment: [String: String]) throws(Interpolation.MissingVariable) -> ProbeConfig {
        func fill(_ text: String) throws(Interpolation.MissingVariable) -> String {
            let substituted = host.map { text.replacingAll("{host}", with: $0) } ?? text
            return try Interpolation.expand(substituted, environment: environment)
        }
        switch self {
        case .http(var http):
            http.url = try fill(http.url)
            var headers: [String: String] = [:]
            for (name, value) in http.headers { headers[name] = try fill(value) }
            http.headers = headers
            return .http(http)
        case .tcp(var tcp):
            tcp.host = try fill(tcp.host)
            return .tcp(tcp)
        case .postgres(var postgres):
            postgres.url = try fill(postgres.url)
            return .postgres(postgres)
        case .redis(var redis):
            redis.host = try fill(redis.host)
            if let password = redis.password { redis.password = try fill(password) }
            if let username = redis.username { redis.username = try fill(username) }
            return .redis(redis)
        case .nginx(var nginx):
            nginx.url = try fill(nginx.url)
            return .nginx(nginx)
        case .disk, .memory:
            return self
        case .command(var command):
            var argv: [String] = []
            for argument in command.command.argv { argv.append(try fill(argument)) }
            command.command.argv = argv
            return .command(command)
        case .prometheus(var prometheus):
            prometheus.url = try fill(prometheus.url)
            prometheus.query = try fill(prometheus.query)
            return .prometheus(prometheus)
        }
    }
}
