package import GantryCore
import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// This process's machine, boot, PID namespace and start time, read once from the system.
package enum LocalIdentity {
    /// Read at first use; none of it changes while the process lives.
    package static let current: ProcessIdentity = {
        let boot = firstLine("/proc/sys/kernel/random/boot_id") ?? "unknown-boot"
        let machine = firstLine("/etc/machine-id") ?? firstLine("/var/lib/dbus/machine-id") ?? boot
        var info = stat()
        let namespace: UInt64 = stat("/proc/self/ns/pid", &info) == 0 ? UInt64(info.st_ino) : 0
        return ProcessIdentity(machine: machine, boot: boot, pidNamespace: namespace, startTime: ProcessTable.startTime(getpid()))
    }()

    private static func firstLine(_ path: String) -> String? {
        guard let text = try? String(contentsOfFile: path, encoding: .utf8) else { return nil }
        let line = text.split(separator: "\n").first.map { $0.trimmingCharacters(in: .whitespaces) } ?? ""
        return line.isEmpty ? nil : line
    }
}
