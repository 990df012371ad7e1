import Foundation

/// Runs one deployment: performs the state machine's actions against the store, the command
/// runner and the observer, and journals each side effect before it starts.
package struct DeploymentEngine: Sendable {
    let store: any StateStore
    let runner: any CommandRunner
    let prober: any Prober
    /// Where `protect.alertmanager` asks for active alerts.
    let alerts: any AlertSource
    /// What checks `approvals:`' SSH signatures.
    let signatures: any SignatureVerifier
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
    package static let waiterHeartbeat: Duration = .seconds(1)
    /// How often a paused rollout looks for `gantry promote` or `gantry abort`.
    static let pausePollInterval: Duration = .milliseconds(500)
    package static let waiterStaleness: Duration = .seconds(10)

    package init(
        store: any StateStore, runner: any CommandRunner, prober: any Prober, processes: any ProcessControl,
        observer: any DeploymentObserver = SilentObserver(),
        clock: any GantryClock = SystemClock(), timer: any GantryClock = SystemClock(),
        random: @escaping @Sendable () -> UInt32 = { UInt32.random(in: 0...UInt32.max) },
        escalation: Escalation = Escalation(), alerts: any AlertSource = NoAlertSource(),
        signatures: any SignatureVerifier = NoSignatureVerifier()
    ) {
        self.signatures = signatures
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
