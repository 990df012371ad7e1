/// The deploy's runner gate: before the lock is taken, the runner this deploy runs on must
/// pass its `local` checks (free disk, memory, tools), so a sick runner refuses (exit 3,
/// `runner_unfit`) before anything changes instead of failing half-way through a release.
///
/// Which runner this is comes from `RunnerIdentity`; the probing is done by the injected
/// `RunnerHealthCheck`. The verdict is decided here and nowhere else: the engine records a
/// refused deployment with it.
package struct RunnerGate: Sendable {
    /// The gate's verdict on this machine.
    package enum Verdict: Sendable, Equatable {
        /// The configured runner this process runs on, if it could be identified, passed (or
        /// has no local checks). `note` says why nothing was checked, or what passed.
        case passed(runner: String?, note: String?)
        /// The runner failed its local checks: the deploy is refused.
        case unfit(runner: String, refusal: Refusal)
    }

    let check: RunnerHealthCheck

    package init(check: RunnerHealthCheck) {
        self.check = check
    }

    /// Runs the local checks of `match`'s runner. `runners` and `configFile` only word the
    /// note given when this machine matches no runner while some have local checks.
    package func run(
        _ match: RunnerIdentity.Match?, runners: [RunnerConfig], configFile: String, hostName: String, environment: [String: String]
    ) async -> Verdict {
        guard let match else {
            guard runners.contains(where: { $0.localGate != nil }) else { return .passed(runner: nil, note: nil) }
            return .passed(runner: nil, note: "runner gate skipped: this machine (\(hostName)) matches no runner in \(configFile); set GANTRY_RUNNER or --runner to run its local checks")
        }
        guard let gate = match.runner.localGate else { return .passed(runner: match.runner.name, note: nil) }
        let health = await check.run([gate], thisMachine: gate.name, environment: environment)
        return Self.verdict(match, health: health.first)
    }

    /// The verdict on `match`'s runner given the health its local checks found.
    package static func verdict(_ match: RunnerIdentity.Match, health: RunnerHealth?) -> Verdict {
        guard let health, health.healthy else {
            let reason = health?.reason ?? "no verdict"
            return .unfit(runner: match.runner.name, refusal: Refusal(.runnerUnfit, "runner \(match.runner.name) (identified by \(match.via)) is not fit to deploy: \(reason)"))
        }
        return .passed(runner: match.runner.name, note: "runner gate: \(match.runner.name) passes its local checks (\(health.reason))")
    }
}
