package import Foundation
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Time, injected so that timestamps, durations and waits are testable without sleeping.
package protocol GantryClock: Sendable {
    func now() -> Date
    /// Waits `duration`; throws `CancellationError` when the task is cancelled.
    func sleep(for duration: Duration) async throws
    /// The machine's boot-time clock in nanoseconds: what a lease guard, another process on
    /// this machine, measures its deadlines on.
    func monotonicNanoseconds() -> UInt64
}

extension GantryClock {
    package func monotonicNanoseconds() -> UInt64 { MachineClock.nanoseconds() }
}
