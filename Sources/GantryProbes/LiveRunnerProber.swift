package import GantryCore

/// Asks Prometheus, a health endpoint, GitHub's API or the machine itself whether a runner
/// can take a deploy.
extension LiveProber: RunnerProber {
    package func probe(_ source: RunnerSource, runner: RunnerConfig, isThisMachine: Bool, environment: [String: String]) async -> SourceVerdict {
        switch source {
        case .prometheus(var config, let timeout):
            guard let url = try? Interpolation.expand(config.url, environment: environment) else {
                return SourceVerdict(source: "prometheus", state: .unknown, message: "a ${VAR} in its url is not set")
            }
            config.url = url
            let verdict = await HTTPProbe(clients: http).prometheus(config, timeout: timeout)
            switch verdict.outcome {
            case .pass: return SourceVerdict(source: "prometheus", state: .healthy, message: verdict.message)
            case .noData: return SourceVerdict(source: "prometheus", state: .unknown, message: "no data: \(verdict.message)")
            case .fail:
                // A wrong value is a verdict; Prometheus not answering is not.
                let judged = verdict.message.hasPrefix("value ")
                return SourceVerdict(source: "prometheus", state: judged ? .unhealthy : .unknown, message: verdict.message)
            }
        case .http(let written, let timeout):
            guard let url = try? Interpolation.expand(written, environment: environment) else {
                return SourceVerdict(source: "http", state: .unknown, message: "a ${VAR} in its url is not set")
            }
            let key = HTTPClients.Key(caFile: nil, insecure: false, followRedirects: false)
            switch await HTTPProbe(clients: http).fetch(url: url, key: key, timeout: timeout) {
            case .success(let answer):
                let ok = (200...299).contains(answer.status)
                return SourceVerdict(source: "http", state: ok ? .healthy : .unhealthy, message: "HTTP \(answer.status)")
            case .failure(let failure):
                return SourceVerdict(source: "http", state: .unhealthy, message: failure.message)
            }
        case .github(let github):
            return await GitHubRunnerProbe(clients: http).run(github, environment: environment)
        case .local(let local):
            guard isThisMachine else {
                return SourceVerdict(source: "local", state: .unknown, message: "local checks judge only the runner gantry runs on")
            }
            var problems: [String] = []
            var notes: [String] = []
            if let minimum = local.minFreeDisk {
                var disk = DiskProbeConfig(path: local.diskPath)
                disk.minFree = minimum
                let verdict = SystemProbes.disk(disk)
                if verdict.outcome == .pass { notes.append(verdict.message) } else { problems.append(verdict.message) }
            }
            if let minimum = local.minAvailableMemory {
                let verdict = SystemProbes.memory(MemoryProbeConfig(minAvailable: minimum))
                if verdict.outcome == .pass { notes.append(verdict.message) } else { problems.append(verdict.message) }
            }
            let path = environment["PATH"] ?? "/usr/local/bin:/usr/bin:/bin"
            for tool in local.tools where processes.findExecutable(tool, path: path) == nil {
                problems.append("\(tool) is not on PATH")
            }
            if problems.isEmpty {
                return SourceVerdict(source: "local", state: .healthy, message: notes.isEmpty ? "tools present" : notes.joined(separator: "; "))
            }
            return SourceVerdict(source: "local", state: .unhealthy, message: problems.joined(separator: "; "))
        }
    }
}
