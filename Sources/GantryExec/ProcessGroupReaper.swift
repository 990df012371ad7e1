#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Makes sure nothing of a stopped command's process group survives: processes that ignore
/// SIGTERM, or that kept running after the leader exited, get SIGKILL once the grace period
/// is over. Runs detached so an interrupted caller still waits for it.
enum ProcessGroupReaper {
    static func reap(_ group: pid_t, grace: Duration) async {
        await Task.detached {
            let deadline = ContinuousClock.now + grace
            while ProcessTable.groupIsRunning(group), ContinuousClock.now < deadline {
                try? await Task.sleep(for: .milliseconds(25))
            }
            if ProcessTable.groupIsRunning(group) { kill(-group, SIGKILL) }
        }.value
    }
}
