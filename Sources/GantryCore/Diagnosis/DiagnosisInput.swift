package import Foundation

/// Everything `gantry diagnose` looks at for one deployment, gathered by adapters.
package struct DiagnosisInput: Sendable {
    package var record: DeploymentRecord
    package var journal: [JournalEntry]
    package var runnerLogs: [RunnerLogFile] = []
    package var machine: MachineFacts?
    /// The environment's lease and queue now.
    package var lease: Lease?
    package var waiters: [LockWaiter] = []
    /// The store's latest runner and check verdicts.
    package var observations: [Observation] = []
    /// The lease's holder is a dead process on this machine: only then is `unlock --force` safe.
    package var holderProvablyDead = false
    package var lastGood: String?
    /// Masks what was not masked when it was written (runner and kernel logs).
    package var masker: SecretMasker
    /// When the diagnosis runs (the end of the window of a deployment that never finished).
    package var now: Date

    package init(record: DeploymentRecord, journal: [JournalEntry], masker: SecretMasker, now: Date) {
        self.record = record
        self.journal = journal
        self.masker = masker
        self.now = now
    }
}
