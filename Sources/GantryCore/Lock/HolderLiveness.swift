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
