/// What one schedule showed: the violations, the faults injected by kind, how many events
/// ran, and the trace (when it was recorded).
struct ScheduleOutcome: Sendable {
    var violations: [Violation]
    var faults: [FaultKind: Int]
    var events: Int
    var trace: [TraceLine]
}
