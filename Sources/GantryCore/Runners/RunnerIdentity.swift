/// Which configured runner this process runs on, so `gantry deploy` can run that runner's
/// `local` checks before it takes the lock.
///
/// An explicit name (`--runner`, `GANTRY_RUNNER`) must match a configured runner: a typo must
/// not quietly skip the gate. `RUNNER_NAME` (set by GitHub Actions on every runner) may be a
/// name the config does not know, so it matches a runner's name or the GitHub runner name of
/// its `github` source, and otherwise falls through to the host name.
package enum RunnerIdentity {
    /// How the runner was identified, for messages.
    package struct Match: Sendable, Equatable {
        package var runner: RunnerConfig
        package var via: String
    }

    /// An explicit runner name that no configured runner has.
    package struct Unknown: Error, Sendable, Equatable, CustomStringConvertible {
        package var name: String
        package var via: String
        var known: [String]

        package init(name: String, via: String, known: [String]) {
            self.name = name
            self.via = via
            self.known = known
        }

        package var description: String {
            known.isEmpty
                ? "\(via) names runner '\(name)', but gantry.yml defines no runners"
                : "\(via) names runner '\(name)', but gantry.yml defines only \(known.map { "'\($0)'" }.joined(separator: ", "))"
        }
    }

    package static func identify(_ runners: [RunnerConfig], flag: String?, environment: [String: String], hostName: String) throws(Unknown) -> Match? {
        guard !runners.isEmpty else { return nil }
        let explicit = [(flag, "--runner"), (environment["GANTRY_RUNNER"], "GANTRY_RUNNER")]
            .compactMap { name, via in name.flatMap { $0.isEmpty ? nil : ($0, via) } }
            .first
        if let (name, via) = explicit {
            guard let runner = runners.first(where: { $0.name == name }) else {
                throw Unknown(name: name, via: via, known: runners.map(\.name))
            }
            return Match(runner: runner, via: via)
        }
        if let name = environment["RUNNER_NAME"], !name.isEmpty,
           let runner = runners.first(where: { $0.name == name || $0.githubName == name }) {
            return Match(runner: runner, via: "RUNNER_NAME")
        }
        if let runner = runners.first(where: { $0.name == hostName }) {
            return Match(runner: runner, via: "host name")
        }
        return nil
    }
}

extension RunnerIdentity {
    /// The name this process runs as, wherever one is needed (the origin recorded with a
    /// deployment, the runner whose `local` sources may be judged here): the configured
    /// runner `identify` finds, else the name the CI or the operator gives
    /// (`--runner`, `GANTRY_RUNNER`, `RUNNER_NAME`), else none.
    package static func name(_ runners: [RunnerConfig], flag: String?, environment: [String: String], hostName: String) -> String? {
        if let match = try? identify(runners, flag: flag, environment: environment, hostName: hostName) { return match.runner.name }
        return [flag, environment["GANTRY_RUNNER"], environment["RUNNER_NAME"]].compactMap { $0 }.first { !$0.isEmpty }
    }
}

extension RunnerConfig {
    /// The runner's name on GitHub, when a `github` source names it.
    var githubName: String? {
        for case .github(let source) in sources { return source.runner }
        return nil
    }

    /// The same runner judged by its `local` sources only: what the deploy gate runs.
    package var localGate: RunnerConfig? {
        let local = sources.filter { if case .local = $0 { true } else { false } }
        guard !local.isEmpty else { return nil }
        var gate = self
        gate.sources = local
        gate.requireAll = true
        return gate
    }
}
