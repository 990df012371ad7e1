package import Foundation

/// What the machine gantry runs on looked like when it was diagnosed: free space and inodes
/// of the paths in use, memory, pressure stall information, and the kernel's OOM-killer lines.
/// Read by an adapter (`MachineEvidence`); judged here.
package struct MachineFacts: Sendable, Hashable {
    package struct Space: Sendable, Hashable {
        package var path: String
        var freeBytes: UInt64
        var totalBytes: UInt64
        var freeInodes: UInt64
        var totalInodes: UInt64

        package init(path: String, freeBytes: UInt64, totalBytes: UInt64, freeInodes: UInt64, totalInodes: UInt64) {
            self.path = path
            self.freeBytes = freeBytes
            self.totalBytes = totalBytes
            self.freeInodes = freeInodes
            self.totalInodes = totalInodes
        }

        /// Almost nothing left: under 2% or 64 MiB of space, or under 2% of inodes.
        var isFull: Bool {
            let lowSpace = totalBytes > 0 && (freeBytes < 64 << 20 || Double(freeBytes) / Double(totalBytes) < 0.02)
            let lowInodes = totalInodes > 0 && Double(freeInodes) / Double(totalInodes) < 0.02
            return lowSpace || lowInodes
        }

        package var summary: String {
            let percent = totalBytes == 0 ? 0 : Int((Double(freeBytes) / Double(totalBytes) * 100).rounded(.down))
            let inodes = totalInodes == 0 ? "" : ", \(freeInodes) of \(totalInodes) inodes free"
            return "\(path): \(SizeThreshold.format(freeBytes)) free of \(SizeThreshold.format(totalBytes)) (\(percent)%)\(inodes)"
        }
    }

    package struct KernelLine: Sendable, Hashable {
        package var at: Date?
        package var line: String

        package init(at: Date?, line: String) {
            self.at = at
            self.line = line
        }
    }

    package var spaces: [Space] = []
    package var memoryAvailableBytes: UInt64?
    package var memoryTotalBytes: UInt64?
    /// `/proc/pressure/<resource>`'s `some avg10`, by resource (`memory`, `io`, `cpu`).
    package var pressure: [String: Double] = [:]
    /// Kernel log lines of the OOM killer.
    package var oomLines: [KernelLine] = []

    package init() {}
}
