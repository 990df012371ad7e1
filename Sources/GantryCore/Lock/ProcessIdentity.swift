/// Where a process runs, precisely enough to judge it from another process: the host name is
/// for people, but containers started with `--network host` and cloned VMs share one, so a
/// process is "here" only when the machine, the boot *and* the PID namespace are the same.
package struct ProcessIdentity: Sendable, Hashable, Codable {
    /// `/etc/machine-id`, or the boot id where there is none.
    package var machine: String
    /// `/proc/sys/kernel/random/boot_id`: a process of another boot is certainly gone.
    package var boot: String
    /// The inode of `/proc/self/ns/pid`.
    package var pidNamespace: UInt64
    /// The process's start time in clock ticks since boot (`/proc/PID/stat`, field 22): a pid
    /// reused by another process has another start time.
    package var startTime: UInt64?

    package init(machine: String, boot: String, pidNamespace: UInt64, startTime: UInt64?) {
        self.machine = machine
        self.boot = boot
        self.pidNamespace = pidNamespace
        self.startTime = startTime
    }

    /// Whether a process of `other` can be seen and signalled from here: the same machine,
    /// boot and PID namespace. The boot counts because cloned VMs can share a machine id, and
    /// every machine's initial PID namespace has the same inode: a process of another boot
    /// may be a live holder on another machine, not a dead one on this.
    func sharesProcesses(with other: ProcessIdentity) -> Bool {
        machine == other.machine && boot == other.boot && pidNamespace == other.pidNamespace
    }
}
