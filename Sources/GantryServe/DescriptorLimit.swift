#if canImport(Glibc)
import Glibc
#endif

/// The process's open-file limit, for `gantry serve`: raised to what the system allows, so
/// that the connection cap, not descriptor exhaustion, is what stops a flood of sockets.
package enum DescriptorLimit {
    /// Descriptors kept free for the store, probes and logs.
    static let reserve = 128

    /// Raises the soft limit toward the hard one (at most 65,536) and returns how many
    /// connections may be open at once: `wanted`, or fewer if descriptors are short.
    package static func connectionCap(wanted: Int) -> Int {
        var limit = rlimit()
        guard getrlimit(Int32(RLIMIT_NOFILE.rawValue), &limit) == 0 else { return min(wanted, 512) }
        let target = min(limit.rlim_max, rlim_t(65_536))
        if limit.rlim_cur < target {
            var raised = limit
            raised.rlim_cur = target
            if setrlimit(Int32(RLIMIT_NOFILE.rawValue), &raised) == 0 { limit = raised }
        }
        return max(16, min(wanted, Int(limit.rlim_cur) - reserve))
    }
}
