import Foundation
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

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
