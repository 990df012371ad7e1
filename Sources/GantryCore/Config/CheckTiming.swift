/// Retry and timing of a health check. Unset fields inherit from the environment's
/// `check_defaults`, then from `CheckTiming.defaults`.
package struct CheckTiming: Sendable, Hashable {
    /// The limit of one probe attempt.
    package var timeout: Duration?
    /// How many further attempts follow a failed one.
    package var retries: Int?
    /// The pause between attempts.
    package var interval: Duration?
    /// A grace period after the deploy during which failures do not yet count.
    var startPeriod: Duration?

    package init(timeout: Duration? = nil, retries: Int? = nil, interval: Duration? = nil, startPeriod: Duration? = nil) {
        self.timeout = timeout
        self.retries = retries
        self.interval = interval
        self.startPeriod = startPeriod
    }

    package static let defaults = CheckTiming(timeout: .seconds(5), retries: 3, interval: .seconds(2), startPeriod: .zero)

    /// These settings with every unset field taken from `fallback`.
    func merged(over fallback: CheckTiming) -> CheckTiming {
        CheckTiming(
            timeout: timeout ?? fallback.timeout,
            retries: retries ?? fallback.retries,
            interval: interval ?? fallback.interval,
            startPeriod: startPeriod ?? fallback.startPeriod
        )
    }
}
