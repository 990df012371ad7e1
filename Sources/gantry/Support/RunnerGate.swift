import Foundation
import GantryCore
import GantryExec
import GantryProbes
import GantryTerminal

/// The deploy's runner gate: before the lock is taken, the runner this deploy runs on must
/// pass its `local` checks (free disk, memory, tools), so a sick runner refuses (exit 3)
/// before anything changes instead of failing half-way through a release.
enum RunnerGate {
    /// The gate's verdict on this machine.
    enum Verdict {
        /// The configured runner this process runs on, if it could be identified, passed
        /// (or has no local checks).
        case passed(runner: String?)
        /// The runner failed its local checks: the deploy is refused (`runner_unfit`).
        case unfit(runner: String, refusal: Refusal)
    }

    static func run(config: GantryConfig, context: Context, flag: String?) async throws(Failure) -> Verdict {
        let match: RunnerIdentity.Match?
        do {
            match = try RunnerIdentity.identify(config.runners, flag: flag, environment: context.environment, hostName: ProcessInfoHost.name)
        } catch {
            throw .usage(error.description)
        }
        guard let match else {
            if config.runners.contains(where: { $0.localGate != nil }) {
                Console.write("gantry: runner gate skipped: this machine (\(ProcessInfoHost.name)) matches no runner in \(config.file); set GANTRY_RUNNER or --runner to run its local checks\n", to: STDERR_FILENO)
            }
            return .passed(runner: nil)
        }
        guard let gate = match.runner.localGate else { return .passed(runner: match.runner.name) }
        let health = await RunnerProbing.health([gate], context: context, runner: gate.name, config: config)
        guard let verdict = health.first, verdict.healthy else {
            let reason = health.first?.reason ?? "no verdict"
            return .unfit(runner: match.runner.name, refusal: Refusal(.runnerUnfit, "runner \(match.runner.name) (identified by \(match.via)) is not fit to deploy: \(reason)"))
        }
        Console.write("gantry: runner gate: \(match.runner.name) passes its local checks (\(verdict.reason))\n", to: STDERR_FILENO)
        return .passed(runner: match.runner.name)
    }
}
