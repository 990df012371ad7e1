/// Fails fast, before anything changes: every check runs, every failure is listed.
///
/// Secrets are reported by name only. Reachability probes all targets at once, each bounded
/// by the preflight timeout, so a dead host costs one timeout, not one per host.
package struct PreflightRunner: Sendable {
    let prober: any Prober
    let processes: any ProcessControl
    /// Bounds each reachability probe.
    let timer: any GantryClock

    package init(prober: any Prober, processes: any ProcessControl, timer: any GantryClock = SystemClock()) {
        self.prober = prober
        self.processes = processes
        self.timer = timer
    }

    package func run(
        environment: EnvironmentConfig, targets: [TargetHost], directory: String, processEnvironment: [String: String],
        lastGood: String?, wayBack: Bool = true, onResult: @escaping @Sendable (CheckResult) async -> Void = { _ in }
    ) async -> [CheckResult] {
        let config = environment.preflight
        var results: [CheckResult] = []
        func item(_ name: String, _ target: String?, _ passed: Bool, _ message: String, warning: Bool = false) -> CheckResult {
            CheckResult(
                name: name, kind: "preflight", target: target, passed: passed, outcome: passed ? (warning ? .noData : .pass) : .fail,
                attempts: 1, latencyMilliseconds: 0, message: warning ? "warning: \(message)" : message
            )
        }
        let tooShort = Set(SecretMasker.tooShortToMask(Array(environment.maskedVariables), in: processEnvironment))
        for name in environment.secrets {
            let value = processEnvironment[name] ?? ""
            if tooShort.contains(name) {
                results.append(item("secret", name, false, "\(name) is too short to mask safely (fewer than \(SecretMasker.minimumLength) characters)"))
            } else {
                results.append(item("secret", name, !value.isEmpty, value.isEmpty ? "\(name) is not set or empty" : "\(name) is set"))
            }
        }
        // A `${VAR}` that is not listed as a secret (a port in a URL, a region in an
        // argument) may well not be one: warned of, masked where it stands alone.
        for name in environment.maskedVariables.sorted() where tooShort.contains(name) && !environment.secrets.contains(name) {
            results.append(item(
                "masking", name, true,
                "\(name) is shorter than \(SecretMasker.minimumLength) characters, so it is masked only where it stands alone; list it in public_variables if it is not secret",
                warning: true
            ))
        }
        for check in WebhookSecretCheck.preflight(environment.notify, processEnvironment: processEnvironment) {
            results.append(item("secret", check.variable, check.passed, check.message, warning: check.warning))
        }
        if environment.inventory != nil {
            results.append(item("inventory", nil, !targets.isEmpty, targets.isEmpty ? "the inventory names no hosts for this environment" : "\(targets.count) host(s): \(targets.prefix(5).map(\.name).joined(separator: ", "))\(targets.count > 5 ? ", …" : "")"))
        }
        let searchPath = processEnvironment["PATH"] ?? "/usr/local/bin:/usr/bin:/bin"
        for verdict in ProgramCheck.verdicts(environment, directory: directory, path: searchPath, processEnvironment: processEnvironment, find: processes.findExecutable) {
            // A rollback program that cannot start weighs as a missing rollback command does.
            let warning = verdict.found == nil && verdict.role == "rollback" && !config.requireRollback
            results.append(item("program", verdict.role, verdict.found != nil || warning, verdict.message, warning: warning))
        }
        for tool in config.tools {
            let found = processes.findExecutable(tool, path: processEnvironment["PATH"] ?? "/usr/local/bin:/usr/bin:/bin")
            results.append(item("tool", tool, found != nil, found.map { "found at \($0)" } ?? "\(tool) is not on PATH"))
        }
        if let minimum = config.minFreeDisk {
            var disk = DiskProbeConfig(path: directory)
            disk.minFree = minimum
            let verdict = await prober.probe(.disk(disk), timeout: config.timeout)
            results.append(item("disk", nil, verdict.outcome == .pass, verdict.message))
        }
        if !wayBack {
            // A rollback is the way back: what a failure of it falls back on is not a question.
        } else if environment.rollback == nil {
            let message = "no rollback command is configured: a failed deploy cannot be rolled back automatically"
            results.append(item("way back", nil, !config.requireRollback, message, warning: !config.requireRollback))
        } else if let lastGood {
            results.append(item("way back", nil, true, "a failure rolls back to \(lastGood)"))
        } else {
            results.append(item("way back", nil, true, "first deploy: there is no last good release to roll back to yet", warning: true))
        }
        for result in results { await onResult(result) }
        if let port = config.reachablePort, !targets.isEmpty {
            let prober = prober
            let timeout = config.timeout
            let reachability = await withTaskGroup(of: (Int, CheckResult).self) { group in
                for (index, host) in targets.enumerated() {
                    group.addTask {
                        let hostPort = host.port ?? port
                        let verdict = await Deadline.run(timeout, clock: timer) { await prober.probe(.tcp(TCPProbeConfig(host: host.address, port: hostPort)), timeout: timeout) }
                            ?? .fail("no answer from \(host.address):\(hostPort) within \(DurationText.format(timeout))")
                        let result = CheckResult(
                            name: "reachable", kind: "preflight", target: host.name, passed: verdict.outcome == .pass,
                            outcome: verdict.outcome, attempts: 1, latencyMilliseconds: 0, message: verdict.message
                        )
                        await onResult(result)
                        return (index, result)
                    }
                }
                var collected: [(Int, CheckResult)] = []
                for await entry in group { collected.append(entry) }
                return collected.sorted { $0.0 < $1.0 }.map(\.1)
            }
            results += reachability
        }
        return results
    }
}
