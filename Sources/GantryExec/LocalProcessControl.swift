package import GantryCore
import Foundation
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Processes on this host, for leases and recovery.
package struct LocalProcessControl: ProcessControl {
    package init() {}

    package var hostName: String { ProcessInfoHost.name }

    package var identity: ProcessIdentity { LocalIdentity.current }

    package func isRunning(pid: Int32, startTime: UInt64?) -> Bool {
        guard pid > 0, ProcessTable.isRunning(pid) else { return false }
        guard let startTime, let actual = ProcessTable.startTime(pid) else { return true }
        return actual == startTime
    }

    package func startTime(of pid: Int32) -> UInt64? { ProcessTable.startTime(pid) }

    package func groupLeaderMatches(_ group: Int32, startTime: UInt64?) -> Bool {
        guard group > 1 else { return false }
        // A live leader must be the spawned process itself; a pid reused by another process
        // has another start time. With the leader gone, the kernel does not hand its pid to
        // a new process while members of its group remain, so the group is still the one.
        if let actual = ProcessTable.startTime(group), ProcessTable.isRunning(group) {
            return startTime == nil || actual == startTime
        }
        return true
    }

    package func stopGroup(_ group: Int32, grace: Duration) async {
        guard group > 1, ProcessTable.groupIsRunning(group) else { return }
        kill(-group, SIGTERM)
        await ProcessGroupReaper.reap(group, grace: grace)
    }

    package func findExecutable(_ name: String, path: String) -> String? {
        if name.contains("/") { return access(name, X_OK) == 0 ? name : nil }
        for directory in path.split(separator: ":") where !directory.isEmpty {
            let candidate = "\(directory)/\(name)"
            var isDirectory: ObjCBool = false
            if FileManager.default.fileExists(atPath: candidate, isDirectory: &isDirectory), !isDirectory.boolValue, access(candidate, X_OK) == 0 {
                return candidate
            }
        }
        return nil
    }

    package func stopProcesses(ofDeployment deployment: String, grace: Duration) async -> Int {
        let marker = Array("GANTRY_DEPLOYMENT_ID=\(deployment)".utf8)
        let me = getpid()
        var found: [pid_t] = []
        for entry in (try? FileManager.default.contentsOfDirectory(atPath: "/proc")) ?? [] {
            guard let pid = pid_t(entry), pid != me, let environ = FileManager.default.contents(atPath: "/proc/\(pid)/environ") else { continue }
            if environ.split(separator: 0).contains(where: { Array($0) == marker }) { found.append(pid) }
        }
        guard !found.isEmpty else { return 0 }
        for pid in found { kill(pid, SIGTERM) }
        let deadline = ContinuousClock.now + grace
        while found.contains(where: ProcessTable.isRunning), ContinuousClock.now < deadline {
            try? await Task.sleep(for: .milliseconds(25))
        }
        for pid in found where ProcessTable.isRunning(pid) { kill(pid, SIGKILL) }
        return found.count
    }
}
