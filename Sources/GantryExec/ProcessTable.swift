import Foundation
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Reads /proc to tell running processes from zombies. An orphan that exits becomes a zombie
/// until init reaps it, and `kill(pid, 0)` still succeeds on it; waiting for such a process
/// to "die" would wait out the whole grace period for nothing.
enum ProcessTable {
    /// The state letter (R, S, Z, …) and process group of `pid`, from /proc/PID/stat.
    static func stat(_ pid: pid_t) -> (state: Character, group: pid_t)? {
        guard let text = try? String(contentsOfFile: "/proc/\(pid)/stat", encoding: .utf8),
              let close = text.lastIndex(of: ")") else { return nil }
        let fields = text[text.index(after: close)...].split(separator: " ")
        guard fields.count > 3, let state = fields[0].first, let group = pid_t(fields[2]) else { return nil }
        return (state, group)
    }

    /// The start time of `pid` in clock ticks since boot (field 22 of /proc/PID/stat).
    static func startTime(_ pid: pid_t) -> UInt64? {
        guard let text = try? String(contentsOfFile: "/proc/\(pid)/stat", encoding: .utf8),
              let close = text.lastIndex(of: ")") else { return nil }
        let fields = text[text.index(after: close)...].split(separator: " ")
        // Fields after the name start at 3 (state); the start time is field 22.
        guard fields.count > 19 else { return nil }
        return UInt64(fields[19])
    }

    /// Whether `pid` exists and is not a zombie.
    static func isRunning(_ pid: pid_t) -> Bool {
        guard kill(pid, 0) == 0 || errno == EPERM else { return false }
        guard let stat = stat(pid) else { return kill(pid, 0) == 0 }
        return stat.state != "Z"
    }

    /// Whether any process of the group is running (zombies do not count).
    static func groupIsRunning(_ group: pid_t) -> Bool {
        guard kill(-group, 0) == 0 else { return false }
        guard let entries = try? FileManager.default.contentsOfDirectory(atPath: "/proc") else { return true }
        for entry in entries {
            guard let pid = pid_t(entry), let stat = stat(pid), stat.group == group else { continue }
            if stat.state != "Z" { return true }
        }
        return false
    }
}
