import Synchronization
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// The process groups of the commands running now, so a second interruption can kill them
/// all at once (`killAll`), from a signal handler's thread.
enum ActiveCommands {
    private static let groups = Mutex<Set<pid_t>>([])

    static func add(_ group: pid_t) { groups.withLock { _ = $0.insert(group) } }
    static func remove(_ group: pid_t) { groups.withLock { _ = $0.remove(group) } }

    /// SIGKILL to every running command's process group (guards included).
    static func killAll() {
        for group in groups.withLock({ $0 }) where group > 1 { kill(-group, SIGKILL) }
    }
}
