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

/// The machine's clock.
package struct SystemClock: GantryClock {
    package init() {}
    package func now() -> Date { Date() }
    package func sleep(for duration: Duration) async throws { try await Task.sleep(for: duration) }
}

/// The clock every process on the machine shares: `CLOCK_BOOTTIME` on Linux, which keeps
/// counting while the machine is suspended, so a guard whose machine slept past a lease's
/// expiry sees its deadline passed the moment it wakes.
package enum MachineClock {
    package static func nanoseconds() -> UInt64 {
        var spec = timespec()
        #if os(Linux)
        clock_gettime(CLOCK_BOOTTIME, &spec)
        #else
        clock_gettime(CLOCK_MONOTONIC_RAW, &spec)
        #endif
        return UInt64(spec.tv_sec) * 1_000_000_000 + UInt64(spec.tv_nsec)
    }
}
