package import Foundation

/// How a deployment ended, for the terminal, JSON and exit code.
package struct DeploymentSummary: Sendable, Hashable, Codable {
    package var id: DeploymentID
    package var environment: String
    package var release: String
    package var outcome: Outcome
    package var reason: String
    /// What the environment ran before, if anything.
    package var previousRelease: String?
    package var startedAt: Date
    package var finishedAt: Date
    package var attempts: Int
    /// The release a rollback went back to, when one ran.
    package var rolledBackTo: String?
    /// Why it did not succeed, as a code; nil when it did (or was skipped).
    package var reasonCode: ReasonCode?

    package var duration: Duration {
        .milliseconds(Int64((finishedAt.timeIntervalSince(startedAt) * 1000).rounded()))
    }
}

/// Why the engine could not run a deployment to its end.
package enum DeploymentError: Error, Sendable {
    /// A `${VAR}` the deploy command needs is not set; nothing was changed.
    case missingVariable(UnsetCommandVariable)
    /// The store failed. `changed` says whether a deploy or rollback command had started
    /// (production may be changed, so this is never "nothing changed"); `restored` whether
    /// a rollback had then been verified.
    case store(StoreError, changed: Bool, restored: Bool)
    /// `gantry rollback` without `--to` found no release to go back to; nothing was changed.
    case noRollbackTarget(RollbackTarget.Missing)
    /// `gantry promote` / `gantry abort` cannot carry a paused rollout on: the config no
    /// longer makes the batches it journaled (`PauseDecision.drift`); nothing was changed.
    case cannotResume(String)
}

/// Runs one deployment: performs the state machine's actions against the store, the command
/// runner and the observer, and journals each side effect before it starts.
package struct DeploymentEngine: Sendable {
    let store: any StateStore
    let runner: any CommandRunner
    let prober: any Prober
    /// Where `protect.alertmanager` asks for active alerts.
    let alerts: any AlertSource
    let processes: any ProcessControl
    let observer: any DeploymentObserver
    /// Paces what a deployment means to wait (retries, bakes, pause polls) and stamps records.
    let clock: any GantryClock
    /// Bounds what might hang (probe attempts, a verification, lease renewals) and measures
    /// latencies: the machine's clock in production; tests of timeouts move a manual one.
    let timer: any GantryClock
    let random: @Sendable () -> UInt32
    let escalation: Escalation

    /// How often a waiter looks at the lock; short, so a freed lock is taken quickly.
    static let lockPollInterval: Duration = .milliseconds(20)
    /// How often a waiter says it is alive; one silent for `waiterStaleness` is skipped.
    static let waiterHeartbeat: Duration = .seconds(1)
    /// How often a paused rollout looks for `gantry promote` or `gantry abort`.
    static let pausePollInterval: Duration = .milliseconds(500)
    package static let waiterStaleness: Duration = .seconds(10)

    package init(
        store: any StateStore, runner: any CommandRunner, prober: any Prober, processes: any ProcessControl,
        observer: any DeploymentObserver = SilentObserver(),
        clock: any GantryClock = SystemClock(), timer: any GantryClock = SystemClock(),
        random: @escaping @Sendable () -> UInt32 = { UInt32.random(in: 0...UInt32.max) },
        escalation: Escalation = Escalation(), alerts: any AlertSource = NoAlertSource()
    ) {
        self.timer = timer
        self.alerts = alerts
        self.escalation = escalation
        self.store = store
        self.runner = runner
        self.prober = prober
        self.processes = processes
        self.observer = observer
        self.clock = clock
        self.random = random
    }

    /// Prepares `request` (see `PreparedDeployment`) and runs it.
    package func run(_ request: DeploymentRequest) async throws(DeploymentError) -> DeploymentSummary {
        let prepared: PreparedDeployment
        do {
            prepared = try request.prepare(at: clock.now(), random: random())
        } catch {
            throw .missingVariable(error)
        }
        return try await run(prepared)
    }

    package func run(_ prepared: PreparedDeployment) async throws(DeploymentError) -> DeploymentSummary {
        var prepared = prepared
        if prepared.request.rollsBackToPrevious {
            // A first look, without the lease: a rollback with nowhere to go stops here
            // (exit 2), and a refusal before the lease names this release. It is looked for
            // again under the lease, which decides.
            let found: Result<RollbackTarget, RollbackTarget.Missing>
            do {
                found = try await RollbackTarget.find(environment: prepared.request.environment.name, in: store)
            } catch {
                throw .store(error, changed: false, restored: false)
            }
            switch found {
            case .success(let target): prepared.retarget(to: target.release)
            case .failure(let missing): throw .noRollbackTarget(missing)
            }
        }
        if let paused = prepared.request.resume {
            let journal: [JournalEntry]
            do {
                journal = try await store.journal(paused.deployment.id)
            } catch {
                throw .store(error, changed: false, restored: false)
            }
            if let drift = PauseDecision.drift(of: paused, request: prepared.request, journal: journal) { throw .cannotResume(drift) }
        }
        var run = DeploymentRun(engine: self, prepared: prepared)
        do throws(StoreError) {
            return try await run.perform()
        } catch {
            throw .store(error, changed: run.changed, restored: run.restored)
        }
    }
}
