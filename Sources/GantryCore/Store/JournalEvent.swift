/// What a deployment did or is about to do. Each event that announces a side effect is
/// written *before* the side effect starts, so after a crash the journal says what might
/// have happened. Fields are flat and optional so the JSON shape stays stable.
package struct JournalEvent: Sendable, Hashable, Codable {
    package enum Kind: String, Sendable, Hashable, Codable {
        case deploymentStarted = "deployment_started"
        case decision
        case commandStarted = "command_started"
        /// The command runs, as this process group: what recovery stops if gantry dies.
        case commandSpawned = "command_spawned"
        case note
        case recovery
        case output
        case commandFinished = "command_finished"
        case retryScheduled = "retry_scheduled"
        case verificationStarted = "verification_started"
        case checkResult = "check_result"
        case promoting
        case deploymentFinished = "deployment_finished"
        /// The deployment stopped at once (a second interruption) after a command may have
        /// changed production, without rolling back: recovery rolls it back.
        case abandoned
        /// A batch of a rollout starts: its number, how many there are, and its hosts.
        case batchStarted = "batch_started"
        /// An analysis of a rollout's bake ended: its phase, and a comparison's figures.
        case analysisResult = "analysis_result"
        /// The rollout paused for a person (an inconclusive analysis): `gantry promote` or
        /// `gantry abort` decides, written into this journal with the lease's token.
        case paused
        case promoted
        case aborted
    }

    package var kind: Kind
    /// The step this belongs to: `deploy`, `rollback`, …
    package var step: String?
    package var attempt: Int?
    /// Human text, masked.
    package var message: String?
    /// The argv as run, masked.
    package var command: [String]?
    package var exitCode: Int32?
    package var signal: Int32?
    package var timedOut: Bool?
    package var durationMilliseconds: Int64?
    package var release: String?
    package var outcome: Outcome?
    /// A check's name, target and verdict (`check_result`).
    package var check: String?
    package var target: String?
    package var passed: Bool?
    /// `check_result` of a failing HTTP check: the answer's body, its first 4 KiB, masked
    /// (the message quotes only a short excerpt).
    package var body: String?
    /// The process (and process group) id of a spawned command.
    package var pid: Int32?
    /// The spawned process's start time (clock ticks since boot), so recovery never signals
    /// a group whose id was reused.
    var processStart: UInt64?
    /// `deployment_finished`: why it did not succeed, and what first went wrong (they differ
    /// when a rollback failed after a failed deploy).
    package var reasonCode: ReasonCode?
    package var causeCode: ReasonCode?
    /// `batch_started`: the batch (from 1), how many the rollout has, and the batch's hosts.
    package var batch: Int?
    package var batches: Int?
    package var hosts: [String]?
    /// `analysis_result`: the phase (`successful`, `failed`, `inconclusive`, `error`) and, for a
    /// comparison, the Mann–Whitney U, its p-value and the Hodges–Lehmann effect.
    package var analysisPhase: String?
    package var statistic: Double?
    package var pValue: Double?
    package var effect: Double?
    /// `paused`: no process waits for the decision (`on_pause: exit`); `gantry promote` or
    /// `gantry abort` carries the rollout on themselves.
    package var detached: Bool?
    /// `promoted` by `gantry promote --full`: the remaining pause steps and bakes are skipped.
    package var full: Bool?

    package init(
        kind: Kind, step: String? = nil, attempt: Int? = nil, message: String? = nil, command: [String]? = nil,
        exitCode: Int32? = nil, signal: Int32? = nil, timedOut: Bool? = nil, durationMilliseconds: Int64? = nil,
        release: String? = nil, outcome: Outcome? = nil, check: String? = nil, target: String? = nil, passed: Bool? = nil,
        pid: Int32? = nil
    ) {
        self.pid = pid
        self.kind = kind
        self.step = step
        self.attempt = attempt
        self.message = message
        self.command = command
        self.exitCode = exitCode
        self.signal = signal
        self.timedOut = timedOut
        self.durationMilliseconds = durationMilliseconds
        self.release = release
        self.outcome = outcome
        self.check = check
        self.target = target
        self.passed = passed
    }

    /// The journal record of a check's verdict.
    package static func checkResult(_ result: CheckResult, step: Step) -> JournalEvent {
        var event = JournalEvent(
            kind: .checkResult, step: step.rawValue, attempt: result.attempts, message: result.message,
            durationMilliseconds: result.latencyMilliseconds, check: result.name, target: result.target, passed: result.passed
        )
        event.body = result.body
        return event
    }
}
