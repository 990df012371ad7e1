package import Foundation
package import GantryCore
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Reads what `gantry diagnose` needs from the machine it runs on: free space and inodes of
/// the paths in use, memory, pressure stall information, and the kernel's OOM-killer lines.
/// Anything unreadable (no /proc/pressure, /dev/kmsg without privileges) is left out, never
/// guessed.
package enum MachineEvidence {
    /// Kernel log lines that show the OOM killer at work.
    static let oomFragments = ["Out of memory: Killed process", "oom-kill:", "Memory cgroup out of memory", "invoked oom-killer"]

    package static func read(paths: [String], kernelLog: String = "/dev/kmsg", now: Date = Date()) -> MachineFacts {
        var facts = MachineFacts()
        var seen = Set<String>()
        for path in paths where seen.insert(path).inserted {
            var stats = statvfs()
            guard statvfs(path, &stats) == 0 else { continue }
            let block = UInt64(stats.f_frsize)
            facts.spaces.append(MachineFacts.Space(
                path: path, freeBytes: UInt64(stats.f_bavail) * block, totalBytes: UInt64(stats.f_blocks) * block,
                freeInodes: UInt64(stats.f_favail), totalInodes: UInt64(stats.f_files)
            ))
        }
        if let text = try? String(contentsOfFile: "/proc/meminfo", encoding: .utf8), let memory = ResourceThresholds.parseMeminfo(text) {
            facts.memoryAvailableBytes = memory.available
            facts.memoryTotalBytes = memory.total
        }
        for resource in ["memory", "io", "cpu"] {
            guard let text = try? String(contentsOfFile: "/proc/pressure/\(resource)", encoding: .utf8),
                  let some = text.split(separator: "\n").first(where: { $0.hasPrefix("some ") }),
                  let field = some.split(separator: " ").first(where: { $0.hasPrefix("avg10=") }),
                  let value = Double(field.dropFirst(6)) else { continue }
            facts.pressure[resource] = value
        }
        facts.oomLines = oomLines(kernelLog, now: now)
        return facts
    }

    /// The OOM lines of the kernel's ring buffer. `/dev/kmsg` gives one record per read,
    /// `PRIORITY,SEQUENCE,MICROSECONDS_SINCE_BOOT,FLAGS;MESSAGE`; opened non-blocking, reading
    /// stops at EAGAIN (the end of what is buffered).
    static func oomLines(_ path: String, now: Date) -> [MachineFacts.KernelLine] {
        let descriptor = open(path, O_RDONLY | O_NONBLOCK)
        guard descriptor >= 0 else { return [] }
        defer { close(descriptor) }
        let uptime = (try? String(contentsOfFile: "/proc/uptime", encoding: .utf8)).flatMap { $0.split(separator: " ").first.flatMap { Double($0) } }
        let boot = uptime.map { now.addingTimeInterval(-$0) }
        var lines: [MachineFacts.KernelLine] = []
        var buffer = [UInt8](repeating: 0, count: 8192)
        var records = 0
        while records < 200_000 {
            let count = Glibc.read(descriptor, &buffer, buffer.count)
            if count < 0 {
                if errno == EINTR || errno == EPIPE { continue }
                break
            }
            if count == 0 { break }
            records += 1
            let record = String(decoding: buffer[0..<count], as: UTF8.self)
            guard oomFragments.contains(where: { record.contains($0) }), let semicolon = record.firstIndex(of: ";") else { continue }
            let header = record[..<semicolon].split(separator: ",")
            let micros = header.count >= 3 ? Double(header[2]) : nil
            let message = record[record.index(after: semicolon)...].split(separator: "\n").first.map(String.init) ?? ""
            var at: Date?
            if let boot, let micros { at = boot.addingTimeInterval(micros / 1_000_000) }
            lines.append(MachineFacts.KernelLine(at: at, line: message))
        }
        return lines
    }

    /// Whether the kernel's log can be read here (root, or `kernel.dmesg_restrict=0`).
    static func kernelLogReadable(_ path: String = "/dev/kmsg") -> Bool {
        access(path, R_OK) == 0
    }
}
