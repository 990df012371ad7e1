/// Judges free disk space and available memory against configured thresholds.
package enum ResourceThresholds {
    /// `available` of `total` against `minimum` (absolute or percent).
    static func satisfies(available: UInt64, total: UInt64, minimum: SizeThreshold) -> Bool {
        switch minimum {
        case .bytes(let bytes): available >= bytes
        case .percent(let percent): total == 0 ? false : Double(available) / Double(total) * 100 >= percent
        }
    }

    static func percent(_ available: UInt64, _ total: UInt64) -> String {
        total == 0 ? "?%" : "\((Double(available) / Double(total) * 1000).rounded() / 10)%"
    }

    package static func evaluateDisk(path: String, freeBytes: UInt64, totalBytes: UInt64, freeInodes: UInt64, totalInodes: UInt64, config: DiskProbeConfig) -> ProbeVerdict {
        let summary = "\(path): \(SizeThreshold.format(freeBytes)) free of \(SizeThreshold.format(totalBytes)) (\(percent(freeBytes, totalBytes)))"
        if let minimum = config.minFree, !satisfies(available: freeBytes, total: totalBytes, minimum: minimum) {
            return .fail("\(summary), below min_free \(minimum)")
        }
        if let minimum = config.minFreeInodes {
            let inodeMinimum: SizeThreshold = if case .bytes(let count) = minimum { .bytes(count) } else { minimum }
            if totalInodes > 0, !satisfies(available: freeInodes, total: totalInodes, minimum: inodeMinimum) {
                return .fail("\(path): \(freeInodes) inodes free of \(totalInodes) (\(percent(freeInodes, totalInodes))), below min_free_inodes \(minimum)")
            }
        }
        return .pass(summary)
    }

    /// `MemTotal` and `MemAvailable` from the text of `/proc/meminfo`, in bytes.
    package static func parseMeminfo(_ text: String) -> (total: UInt64, available: UInt64)? {
        var total: UInt64?
        var available: UInt64?
        for line in text.split(separator: "\n") {
            let parts = line.split(separator: " ", omittingEmptySubsequences: true)
            guard parts.count >= 2, let kilobytes = UInt64(parts[1]) else { continue }
            if parts[0] == "MemTotal:" { total = kilobytes * 1024 }
            if parts[0] == "MemAvailable:" { available = kilobytes * 1024 }
        }
        guard let total, let available else { return nil }
        return (total, available)
    }

    package static func evaluateMemory(total: UInt64, available: UInt64, config: MemoryProbeConfig) -> ProbeVerdict {
        let summary = "\(SizeThreshold.format(available)) available of \(SizeThreshold.format(total)) (\(percent(available, total)))"
        guard satisfies(available: available, total: total, minimum: config.minAvailable) else {
            return .fail("\(summary), below min_available \(config.minAvailable)")
        }
        return .pass(summary)
    }
}
