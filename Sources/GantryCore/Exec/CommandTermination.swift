/// How a command ended.
package enum CommandTermination: Sendable, Hashable, CustomStringConvertible {
    case exited(Int32)
    case signaled(Int32)
    /// The timeout fired; the process group got SIGTERM, then SIGKILL after the grace period.
    case timedOut
    /// The deployment was interrupted; the process group was stopped the same way.
    case cancelled

    package var succeeded: Bool { self == .exited(0) }

    package var description: String {
        switch self {
        case .exited(let code): "exited with status \(code)"
        case .signaled(let signal): "was killed by signal \(signal)"
        case .timedOut: "timed out"
        case .cancelled: "was stopped by an interruption"
        }
    }
}
