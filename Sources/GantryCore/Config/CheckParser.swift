import Yams

/// Reads one entry of `checks:`: a name, exactly one probe kind, and timing overrides.
struct CheckParser {
    let reader: YAMLReader
    let path: ConfigKeyPath
    let environment: EnvironmentParser

    static func timing(_ fields: YAMLFields) -> CheckTiming {
        CheckTiming(
            timeout: fields.duration("timeout"),
            retries: fields.int("retries", range: 0...100),
            interval: fields.duration("interval", allowZero: true),
            startPeriod: fields.duration("start_period", allowZero: true)
        )
    }

    func parse(_ node: Node, defaults: CheckTiming) -> CheckConfig? {
        guard let fields = reader.fields(node, at: path) else { return nil }
        let name = fields.string("name", required: true)
        if let name, !EnvironmentName.isValid(name), let nameNode = fields.node("name") {
            reader.fail(nameNode, path.key("name"), "'\(name)' is not a valid check name", hint: EnvironmentName.rule)
        }
        let timing = CheckParser.timing(fields).merged(over: defaults)
        let present = ProbeConfig.kinds.filter { fields.keys.contains($0) }
        var probe: ProbeConfig?
        if present.isEmpty {
            reader.fail(node, path, "names no probe kind", hint: "add one of: \(ProbeConfig.kinds.joined(separator: ", "))")
        } else if present.count > 1 {
            reader.fail(node, path, "has \(present.count) probe kinds (\(present.joined(separator: ", "))); a check has exactly one",
                        hint: "split it into one check per kind")
        } else if let kindFields = fields.fields(present[0], required: true) {
            probe = parseProbe(present[0], kindFields)
            kindFields.finish()
        }
        for kind in ProbeConfig.kinds { _ = fields.node(kind) }
        var analysis: AnalysisConfig?
        if let block = fields.fields("analysis") {
            analysis = analysisConfig(block)
            block.finish()
            if let probe, probe.kind != "prometheus" {
                reader.fail(block.node, block.path, "only a prometheus check can be an analysis", hint: "an analysis measures a PromQL query during a rollout's bake")
            }
        }
        if case .prometheus(let config) = probe, config.compare != nil, analysis == nil, let node = fields.node("prometheus") {
            reader.fail(node, path.key("prometheus").key("compare"), "a comparison is judged only as an analysis", hint: "add analysis: {} beside the check's name")
        }
        fields.finish()
        guard let name, let probe else { return nil }
        return CheckConfig(name: name, probe: probe, timing: timing, analysis: analysis)
    }

    /// `analysis: { interval, count, failure_limit, inconclusive_limit, consecutive_error_limit }`.
    private func analysisConfig(_ fields: YAMLFields) -> AnalysisConfig {
        var config = AnalysisConfig()
        config.interval = fields.duration("interval") ?? config.interval
        config.count = fields.int("count", range: 1...10_000)
        config.failureLimit = fields.int("failure_limit", range: 0...10_000) ?? config.failureLimit
        config.inconclusiveLimit = fields.int("inconclusive_limit", range: 0...10_000) ?? config.inconclusiveLimit
        config.consecutiveErrorLimit = fields.int("consecutive_error_limit", range: 0...10_000) ?? config.consecutiveErrorLimit
        return config
    }

    private func parseProbe(_ kind: String, _ fields: YAMLFields) -> ProbeConfig? {
        switch kind {
        case "http": return http(fields).map(ProbeConfig.http)
        case "tcp": return tcp(fields).map(ProbeConfig.tcp)
        case "postgres": return postgres(fields).map(ProbeConfig.postgres)
        case "redis": return redis(fields).map(ProbeConfig.redis)
        case "nginx": return nginx(fields).map(ProbeConfig.nginx)
        case "disk": return disk(fields).map(ProbeConfig.disk)
        case "memory": return memory(fields).map(ProbeConfig.memory)
        case "command": return environment.command(fields).map { ProbeConfig.command(CommandProbeConfig(command: $0)) }
        case "prometheus": return prometheus(fields).map(ProbeConfig.prometheus)
        default: return nil
        }
    }

    /// A URL field: `${VAR}` allowed (masked), scheme checked.
    private func url(_ fields: YAMLFields, _ key: String = "url", schemes: [String]) -> String? {
        guard let url = fields.string(key, required: true), let node = fields.node(key) else { return nil }
        environment.validateInterpolation(url, node: node, path: fields.path.key(key), credential: true, isURL: true)
        if let variable = DeferredURL.variable(in: url) {
            reader.deferredURLs.append(DeferredURL(keyPath: "\(fields.path.key(key))", variable: variable, prefixes: schemes.map { "\($0)://" }))
            return url
        }
        guard schemes.contains(where: { url.hasPrefix("\($0)://") }) else {
            reader.fail(node, fields.path.key(key), "'\(url)' does not start with \(schemes.map { "\($0)://" }.joined(separator: " or "))")
            return nil
        }
        return url
    }

    private func port(_ fields: YAMLFields, required: Bool) -> Int? {
        fields.int("port", required: required, range: 1...65_535)
    }

    private func http(_ fields: YAMLFields) -> HTTPProbeConfig? {
        let url = url(fields, schemes: ["http", "https"])
        let method = fields.string("method")?.uppercased()
        if let method, !["GET", "HEAD", "POST", "PUT", "OPTIONS"].contains(method), let node = fields.node("method") {
            reader.fail(node, fields.path.key("method"), "'\(method)' is not a method a health check may use", hint: "GET, HEAD, POST, PUT or OPTIONS")
        }
        var statuses: [Int] = []
        if let node = fields.value("expect_status") {
            let statusPath = fields.path.key("expect_status")
            if node.sequence != nil {
                for (offset, element) in (reader.sequence(node, at: statusPath) ?? []).enumerated() {
                    if let code = reader.int(element, at: statusPath.index(offset), range: 100...599) { statuses.append(code) }
                }
            } else if let code = reader.int(node, at: statusPath, range: 100...599) {
                statuses = [code]
            }
        }
        let body = fields.string("expect_body")
        let json = fields.stringMap("expect_json") ?? [:]
        let headers = fields.stringMap("headers") ?? [:]
        for (name, value) in headers {
            environment.validateInterpolation(value, node: fields.node("headers")!, path: fields.path.key("headers").key(name), credential: true)
        }
        let caFile = fields.string("ca_file")
        let insecure = fields.bool("insecure") ?? false
        let follow = fields.bool("follow_redirects") ?? false
        guard let url else { return nil }
        var config = HTTPProbeConfig(url: url)
        config.method = method ?? "GET"
        config.expectStatus = statuses
        config.expectBody = body
        config.expectJSON = json
        config.headers = headers
        config.caFile = caFile
        config.insecure = insecure
        config.followRedirects = follow
        return config
    }

    private func tcp(_ fields: YAMLFields) -> TCPProbeConfig? {
        let host = fields.string("host", required: true)
        let port = port(fields, required: true)
        guard let host, let port else { return nil }
        return TCPProbeConfig(host: host, port: port)
    }

    private func postgres(_ fields: YAMLFields) -> PostgresProbeConfig? {
        let url = url(fields, schemes: ["postgres", "postgresql"])
        let query = fields.string("query")
        let tls = fields.bool("tls") ?? false
        guard let url else { return nil }
        var config = PostgresProbeConfig(url: url)
        config.query = query
        config.tls = tls
        return config
    }

    private func redis(_ fields: YAMLFields) -> RedisProbeConfig? {
        let host = fields.string("host", required: true)
        let port = port(fields, required: false)
        let username = fields.string("username")
        let password = fields.string("password")
        if let password, let node = fields.node("password") {
            environment.validateInterpolation(password, node: node, path: fields.path.key("password"), credential: true)
            if Interpolation.references(in: password).isEmpty {
                reader.fail(node, fields.path.key("password"), "a password is written into the file", hint: "write \"${REDIS_PASSWORD}\" and set it in the environment")
            }
        }
        guard let host else { return nil }
        var config = RedisProbeConfig(host: host)
        config.port = port ?? 6379
        config.username = username
        config.password = password
        return config
    }

    private func nginx(_ fields: YAMLFields) -> NginxProbeConfig? {
        let url = url(fields, schemes: ["http", "https"])
        let maxActive = fields.int("max_active", range: 1...10_000_000)
        let dropped = fields.bool("fail_on_dropped") ?? false
        guard let url else { return nil }
        var config = NginxProbeConfig(url: url)
        config.maxActive = maxActive
        config.failOnDropped = dropped
        return config
    }

    private func disk(_ fields: YAMLFields) -> DiskProbeConfig? {
        let path = fields.string("path") ?? "/"
        let minFree = fields.size("min_free")
        let minInodes = fields.size("min_free_inodes")
        if minFree == nil, minInodes == nil, fields.node("min_free") == nil {
            reader.fail(fields.node, fields.path, "sets no threshold", hint: "add min_free: 10% or min_free: 2GiB")
        }
        var config = DiskProbeConfig(path: path)
        config.minFree = minFree
        config.minFreeInodes = minInodes
        return config
    }

    private func memory(_ fields: YAMLFields) -> MemoryProbeConfig? {
        fields.size("min_available", required: true).map(MemoryProbeConfig.init(minAvailable:))
    }

    private func prometheus(_ fields: YAMLFields) -> PrometheusProbeConfig? {
        let url = url(fields, schemes: ["http", "https"])
        if let block = fields.fields("compare") {
            let compare = compareConfig(block)
            block.finish()
            for key in ["query", "min", "max", "equals", "on_no_data"] where fields.node(key) != nil {
                reader.fail(fields.node(key), fields.path.key(key), "a comparison has its own queries and judge", hint: "remove \(key): or compare:")
            }
            guard let url, let compare else { return nil }
            var config = PrometheusProbeConfig(url: url, query: compare.query)
            config.compare = compare
            return config
        }
        let query = fields.string("query", required: true)
        let minimum = fields.double("min")
        let maximum = fields.double("max")
        let equals = fields.double("equals")
        var noData = PrometheusProbeConfig.NoData.fail
        if let text = fields.string("on_no_data"), let node = fields.node("on_no_data") {
            if let value = PrometheusProbeConfig.NoData(rawValue: text) {
                noData = value
            } else {
                reader.fail(node, fields.path.key("on_no_data"), "'\(text)' is not fail or pass")
            }
        }
        if minimum == nil, maximum == nil, equals == nil {
            reader.fail(fields.node, fields.path, "sets no condition", hint: "add min:, max: or equals:")
        }
        guard let url, let query else { return nil }
        var config = PrometheusProbeConfig(url: url, query: query)
        config.min = minimum
        config.max = maximum
        config.equals = equals
        config.onNoData = noData
        return config
    }

    /// `compare: { query, baseline_query, min_samples, tolerance, fail_on, confidence, step }`.
    private func compareConfig(_ fields: YAMLFields) -> CompareConfig? {
        let query = fields.string("query", required: true)
        let baseline = fields.string("baseline_query", required: true)
        guard let query, let baseline else { return nil }
        var config = CompareConfig(query: query, baselineQuery: baseline)
        config.minSamples = fields.int("min_samples", range: 3...100_000) ?? config.minSamples
        if let tolerance = fields.double("tolerance") {
            if tolerance >= 0 { config.tolerance = tolerance } else { reader.fail(fields.node("tolerance"), fields.path.key("tolerance"), "must not be negative") }
        }
        if let text = fields.string("fail_on"), let node = fields.node("fail_on") {
            if let value = CompareConfig.FailOn(rawValue: text) { config.failOn = value } else {
                reader.fail(node, fields.path.key("fail_on"), "'\(text)' is not increase, decrease or either")
            }
        }
        if let confidence = fields.double("confidence") {
            if confidence > 0.5, confidence < 1 { config.confidence = confidence } else {
                reader.fail(fields.node("confidence"), fields.path.key("confidence"), "must be between 0.5 and 1, such as 0.98")
            }
        }
        config.step = fields.duration("step") ?? config.step
        return config
    }
}
