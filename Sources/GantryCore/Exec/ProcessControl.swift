/// What Gantry may know and do about processes on this host: whether the process holding a
/// lease is still alive, and stopping the process group of a command whose gantry died.
package protocol ProcessControl: Sendable {
    /// This machine's name, as recorded in leases (for people: containers share it).
    var hostName: String { get }
    /// This process's machine, boot, PID namespace and start time.
    var identity: ProcessIdentity { get }
    /// Whether `pid` runs (not a zombie) here and, when `startTime` is given, is the process
    /// that started then rather than a later one that reused the pid.
    func isRunning(pid: Int32, startTime: UInt64?) -> Bool
    /// The start time of process `pid` here, if it runs.
    func startTime(of pid: Int32) -> UInt64?
    /// Whether process group `group` may still be the one whose leader started at
    /// `startTime`: its leader runs with that start time, or is gone while members remain.
    func groupLeaderMatches(_ group: Int32, startTime: UInt64?) -> Bool
    /// SIGTERM to the group, `grace`, then SIGKILL to whatever is left.
    func stopGroup(_ group: Int32, grace: Duration) async
    /// Stops every process on this host whose environment says it belongs to `deployment`
    /// (`GANTRY_DEPLOYMENT_ID`): catches an orphan even when its gantry died before it could
    /// journal the process group. Returns how many were found.
    func stopProcesses(ofDeployment deployment: String, grace: Duration) async -> Int
    /// The full path of the executable `name` on `path` (a PATH value), or nil.
    func findExecutable(_ name: String, path: String) -> String?
}
