/// The named steps of a deployment, in the order they run.
package enum Step: String, Sendable, Hashable, Codable, CaseIterable {
    /// The runner gate: this runner's own local checks, before anything else.
    case runner
    case lock
    case recover
    case decide
    case preflight
    case deploy
    case verify
    case rollback
    case verifyRollback = "verify_rollback"
    case promote
}

/// Whether a step went well.
package enum StepStatus: String, Sendable, Hashable, Codable {
    case ok
    case skipped
    case failed
}

/// What the engine tells the terminal while it works. All text is already masked.
package enum ProgressEvent: Sendable, Hashable {
    case stepStarted(Step, detail: String)
    case output(String)
    case stepFinished(Step, StepStatus, elapsed: Duration, detail: String)
    /// One check's verdict during verification.
    case checkFinished(CheckResult)
}

/// Receives progress as it happens: the terminal, GitHub Actions, or a test.
package protocol DeploymentObserver: Sendable {
    func observe(_ event: ProgressEvent) async
}

/// An observer that drops everything, for callers that only want the result.
package struct SilentObserver: DeploymentObserver {
    package init() {}
    package func observe(_ event: ProgressEvent) async {}
}
