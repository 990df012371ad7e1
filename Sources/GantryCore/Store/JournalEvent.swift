/// What a deployment did or is about to do. Each event that announces a side effect is
/// written *before* the side effect starts, so after a crash the journal says what might
/// have happened. Fields are flat and optional so the JSON shape stays stable.
public struct JournalEvent: Sendable, Hashable, Codable {
    public enum Kind: String, Sendable, Hashable, Codable {
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

    public var kind: Kind
    /// The step this belongs to: `deploy`, `rollback`, …
    public var step: String?
    public var attempt: Int?
    /// Human text, masked.
    public var message: String?
    /// The argv as run, masked.
    public var command: [String]?
    public var exitCode: Int32?
    public var signal: Int32?
    public var timedOut: Bool?
    public var durationMilliseconds: Int64?
    public var release: String?
    public var outcome: Outcome?
    /// A check's name, target and verdict (`check_result`).
    public var check: String?
    public var target: String?
    public var passed: Bool?
    /// The process (and process group) id of a spawned command.
    public var pid: Int32?
    /// The spawned process's start time (clock ticks since boot), so recovery never signals
    /// a group whose id was reused.
    public var processStart: UInt64?
    /// `deployment_finished`: why it did not succeed, and what first went wrong (they differ
    /// when a rollback failed after a failed deploy).
    public var reasonCode: ReasonCode?
    public var causeCode: ReasonCode?
    /// `batch_started`: the batch (from 1), how many the rollout has, and the batch's hosts.
    public var batch: Int?
    public var batches: Int?
    public var hosts: [String]?
    /// `analysis_result`: the phase (`successful`, `failed`, `inconclusive`, `error`) and, for a
    /// comparison, the Mann–Whitney U, its p-value and the Hodges–Lehmann effect.
    public var analysisPhase: String?
    public var statistic: Double?
    public var pValue: Double?
    public var effect: Double?
    /// `paused`: no process waits for the decision (`on_pause: exit`); `gantry promote` or
    /// `gantry abort` carries the rollout on themselves.
    public var detached: Bool?

    public init(
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
    public static func checkResult(_ result: CheckResult, step: Step) -> JournalEvent {
        JournalEvent(
            kind: .checkResult, step: step.rawValue, attempt: result.attempts, message: result.message,
            durationMilliseconds: result.latencyMilliseconds, check: result.name, target: result.target, passed: result.passed
        )
    }
}
