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

/// Whether the process that holds a lease (or ran a command) is provably gone, judged from
/// this process. Only a process on the same machine and in the same PID namespace can be
/// judged at all; anything else is alive until its lease expires.
package enum HolderLiveness {
    /// The holder can be seen from here: same machine and PID namespace.
    static func isLocal(_ origin: Origin, processes: any ProcessControl) -> Bool {
        guard let theirs = origin.process else { return false }
        return processes.identity.sharesProcesses(with: theirs)
    }

    /// Provably dead: a process of this machine, boot and PID namespace whose pid no longer
    /// runs the process that started at the recorded time. (After a reboot its lease simply
    /// expires: a cloned VM's holder looks like a process of an earlier boot.)
    package static func isProvablyDead(_ origin: Origin, processes: any ProcessControl) -> Bool {
        guard let theirs = origin.process, processes.identity.sharesProcesses(with: theirs) else { return false }
        return !processes.isRunning(pid: origin.pid, startTime: theirs.startTime)
    }

    /// Whether recovery may signal the process group a dead deployment journaled: only one
    /// of this machine, PID namespace and boot, so a group id reused after a reboot or seen
    /// from another container is never signalled.
    package static func maySignal(group: Int32, leaderStart: UInt64?, of origin: Origin, processes: any ProcessControl) -> Bool {
        guard group > 1, let theirs = origin.process, processes.identity.sharesProcesses(with: theirs) else {
            return false
        }
        return processes.groupLeaderMatches(group, startTime: leaderStart)
    }
}
