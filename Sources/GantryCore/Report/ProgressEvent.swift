/// What the engine tells the terminal while it works. All text is already masked.
package enum ProgressEvent: Sendable, Hashable {
    case stepStarted(Step, detail: String)
    case output(String)
    case stepFinished(Step, StepStatus, elapsed: Duration, detail: String)
    /// One check's verdict during verification.
    case checkFinished(CheckResult)
    /// A sentence for the person who started it, outside any step: which release a
    /// rollback chose under the lease, and why.
    case notice(String)
}
