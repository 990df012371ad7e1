import ArgumentParser
import Foundation
import GantryCore
import GantryExec
import GantryProbes
import GantryTerminal
import Logging

/// Runs one deployment (or rollback) for the CLI: opens the store, wires the process runner,
/// the probes and the terminal into the engine, turns SIGINT/SIGTERM into cancellation, and
/// prints the outcome with the exit code docs/reference.md (Exit codes) gives it.
struct DeploymentSession {
    let context: Context
    let config: GantryConfig
    let json: Bool

    func run(_ request: DeploymentRequest) async throws {
        let prepared: PreparedDeployment
        do {
            prepared = try request.prepare(at: Date(), random: .random(in: 0 ... .max))
        } catch {
            throw Failure.usage(error.description)
        }
        let console = context.console()
        if console.traits.githubActions {
            // Before anything else is printed, so GitHub hides the values even in our own lines;
            // on stderr with --json, so standard output stays one JSON document.
            Console.write(GitHubActions.maskCommands(for: request.masker.values), to: json ? STDERR_FILENO : STDOUT_FILENO)
        }
        guard let store = try await context.openStore(config: config, create: true) else {
            throw Failure.usage("the state store could not be created")
        }
        let reporter = ProgressReporter(console: console, toStandardError: json, heartbeat: context.options.progressInterval)
        let interruption = InterruptionTrap()
        let escalation = Escalation()
        let outcome = await context.withAdapters(config: config) { live in
            let prober = live.prober
            let engine = DeploymentEngine(
                store: store, runner: live.runner, prober: prober, processes: live.processes, observer: reporter, escalation: escalation,
                alerts: prober, signatures: SSHSignatures()
            )
            let task = Task { () async -> Result<DeploymentSummary, DeploymentError> in
                do throws(DeploymentError) {
                    return .success(try await engine.run(prepared))
                } catch {
                    return .failure(error)
                }
            }
            interruption.install(onInterrupt: { task.cancel() }, onEscalate: { escalation.raise() })
            let notifier = Notifier(config: config, environment: context.environment)
            let delivering = notifier.deliverWhileRunning(store: store, transport: prober)
            let result = await task.value
            // After a second interruption nothing waits for a delivery in flight.
            if escalation.isRaised { await delivering?.stop.set() } else { await delivering?.finish() }
            // What the outcome announced goes out now; what a webhook refuses waits for a
            // later gantry command or `gantry serve`.
            if !escalation.isRaised { await notifier.deliver(store: store, transport: prober, budget: .seconds(3)) }
            return result
        }
        // Workflow commands back on and the group closed before any outcome or error line.
        await reporter.close()
        let summary: DeploymentSummary
        switch outcome {
        case .success(let value):
            summary = value
        case .failure(.missingVariable(let missing)):
            throw Failure.usage(missing.description)
        case .failure(.noRollbackTarget(let missing)):
            throw Failure.usage(missing.description)
        case .failure(.cannotResume(let why)):
            throw Failure.refused(why)
        case .failure(.store(let storeError, let changed, let restored)):
            throw changed ? Failure.storeAfterChange(storeError, restored: restored, environment: request.environment.name) : Failure.store(storeError)
        }
        var exitCode = summary.outcome.exitCode
        if summary.outcome == .interrupted, let signal = interruption.signal {
            exitCode = ExitStatus.interrupted(by: signal)
        }
        var finding: Finding?
        if console.traits.githubActions, summary.outcome != .succeeded, summary.outcome != .skipped {
            finding = await topFinding(summary, store: store)
        }
        await OutcomePrinter(console: console, json: json).print(summary, exitCode: exitCode, finding: finding)
        await MetricsPublisher(context: context, config: config).publish()
        context.logger.debug("deployment finished", metadata: [
            "id": "\(summary.id)", "outcome": "\(summary.outcome.rawValue)", "exit": "\(exitCode)",
        ])
        if exitCode != 0 { throw ArgumentParser.ExitCode(exitCode) }
    }

    /// What `gantry diagnose` would rank first for this deployment; nil when the store cannot
    /// say (the outcome line is printed all the same).
    private func topFinding(_ summary: DeploymentSummary, store: any StateStore) async -> Finding? {
        guard let gathering = try? context.diagnosisGathering(config: config, store: store),
              let record = try? await store.deployment(summary.id),
              let input = try? await gathering.input(for: record, runnerLogs: nil, runner: nil) else { return nil }
        return Diagnoser.diagnose(input).first
    }
}
