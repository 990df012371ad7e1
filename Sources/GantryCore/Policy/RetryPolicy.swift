/// Which failures of a deploy command are worth another attempt, and how long to wait.
///
/// Only failures the policy names are retried: a deploy that failed half-way for a reason
/// nobody anticipated is not blindly run again. Waits grow exponentially from `backoff` up to
/// `maxBackoff`, with jitter so that runners retrying together do not stampede.
package struct RetryPolicy: Sendable, Hashable {
    /// A kind of failure that may be retried.
    package enum Condition: Sendable, Hashable, CustomStringConvertible {
        case timeout
        case exit(Int32)
        case signal

        /// Parses `timeout`, `signal` or `exit:N`.
        package static func parse(_ text: String) -> Condition? {
            switch text {
            case "timeout": return .timeout
            case "signal": return .signal
            default:
                guard text.hasPrefix("exit:"), let code = Int32(text.dropFirst(5)), (1...255).contains(code) else { return nil }
                return .exit(code)
            }
        }

        package var description: String {
            switch self {
            case .timeout: "timeout"
            case .exit(let code): "exit:\(code)"
            case .signal: "signal"
            }
        }

        func matches(_ termination: CommandTermination) -> Bool {
            switch (self, termination) {
            case (.timeout, .timedOut): true
            case (.exit(let code), .exited(let status)): code == status
            case (.signal, .signaled): true
            default: false
            }
        }
    }

    /// What runs between two attempts.
    package enum BetweenAttempts: String, Sendable, Hashable {
        /// Nothing: the next attempt runs on the hosts as the failed one left them.
        case nothing
        /// The rollback command restores the last verified release, and its checks must
        /// pass, before the next attempt; a way back that fails ends the deployment.
        case rollback
    }

    /// Attempts in all, the first included.
    package var attempts: Int
    /// `on_retry:`: what runs before each further attempt.
    package var onRetry: BetweenAttempts = .nothing
    var backoff: Duration
    var maxBackoff: Duration
    /// The share of each wait that is randomized, 0 to 1.
    var jitter: Double
    var retryOn: [Condition]

    package init(attempts: Int = 1, backoff: Duration = .seconds(10), maxBackoff: Duration = .seconds(120), jitter: Double = 0.2, retryOn: [Condition] = []) {
        self.attempts = attempts
        self.backoff = backoff
        self.maxBackoff = maxBackoff
        self.jitter = jitter
        self.retryOn = retryOn
    }

    /// One attempt, no retries.
    package static let none = RetryPolicy()

    /// Whether attempt number `attempt`, which ended with `termination`, is followed by another.
    func shouldRetry(after termination: CommandTermination, attempt: Int) -> Bool {
        attempt < attempts && retryOn.contains { $0.matches(termination) }
    }

    /// The wait before attempt number `attempt` (2 or more). `random` is in 0..<1.
    package func delay(before attempt: Int, random: Double) -> Duration {
        let exponent = min(max(attempt - 2, 0), 30)
        let base = min(backoff.seconds * Double(1 << exponent), maxBackoff.seconds)
        let spread = base * jitter
        let seconds = max(0, base - spread + 2 * spread * random)
        return .milliseconds(Int64((seconds * 1000).rounded()))
    }
}
