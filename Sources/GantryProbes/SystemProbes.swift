import Foundation
import GantryCore
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Checks of the machine Gantry runs on: free disk (statvfs) and available memory
/// (`MemAvailable` from /proc/meminfo, which counts reclaimable cache, unlike MemFree).
enum SystemProbes {
    static func disk(_ config: DiskProbeConfig) -> ProbeVerdict {
        var stats = statvfs()
        guard statvfs(config.path, &stats) == 0 else {
            return .fail("cannot read \(config.path): \(String(cString: strerror(errno)))")
        }
        let blockSize = UInt64(stats.f_frsize)
        return ResourceThresholds.evaluateDisk(
            path: config.path, freeBytes: UInt64(stats.f_bavail) * blockSize, totalBytes: UInt64(stats.f_blocks) * blockSize,
            freeInodes: UInt64(stats.f_favail), totalInodes: UInt64(stats.f_files), config: config
        )
    }

    static func memory(_ config: MemoryProbeConfig, meminfo: String = "/proc/meminfo") -> ProbeVerdict {
        guard let text = try? String(contentsOfFile: meminfo, encoding: .utf8), let memory = ResourceThresholds.parseMeminfo(text) else {
            return .fail("cannot read MemAvailable from \(meminfo)")
        }
        return ResourceThresholds.evaluateMemory(total: memory.total, available: memory.available, config: config)
    }
}
