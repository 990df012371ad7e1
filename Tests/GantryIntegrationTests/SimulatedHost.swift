import Foundation
import Testing
#if canImport(Glibc)
import Glibc
#endif

/// A second "host" on this machine: its own UTS, PID and mount namespaces (`unshare`, as
/// root), its own host name, the same file system and loopback. A shell is the namespace's
/// first process and runs gantry as its child, so signals reach gantry as on a real host and
/// the namespace lives on while gantry is stopped.
struct SimulatedHost {
    let name: String

    /// Whether namespaces can be made here. Under CI=true the tests that need them fail
    /// instead of skipping.
    static let available: Bool = {
        guard geteuid() == 0, FileManager.default.isExecutableFile(atPath: "/usr/bin/unshare") else { return false }
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/unshare")
        process.arguments = ["--uts", "--pid", "--fork", "--mount-proc", "/bin/true"]
        guard (try? process.run()) != nil else { return false }
        process.waitUntilExit()
        return process.terminationStatus == 0
    }()

    static var required: Bool { available || ProcessInfo.processInfo.environment["CI"] == "true" }

    var wrapper: [String] {
        ["/usr/bin/unshare", "--uts", "--pid", "--fork", "--mount-proc", "/bin/sh", "-c", "hostname \"$0\" && \"$@\"", name]
    }

    /// A gantry running on this host, and its process id as seen from the test.
    struct Running {
        let process: GantryBinary.Running
        let gantry: pid_t

        func wait() -> GantryBinary.Result { process.wait() }
    }

    func start(_ arguments: [String], in project: Project, environment: [String: String] = [:]) throws -> Running {
        try #require(Self.available, "unshare --uts --pid --fork --mount-proc does not work here (root and util-linux are needed)")
        let running = try GantryBinary.start(arguments, in: project.directory, environment: environment, wrapper: wrapper)
        let deadline = Date().addingTimeInterval(10)
        while Date() < deadline {
            if let pid = ProcessTree.descendants(of: running.process.processIdentifier).first(where: { ProcessTree.command($0) == "gantry" }) {
                return Running(process: running, gantry: pid)
            }
            Thread.sleep(forTimeInterval: 0.01)
        }
        Issue.record("gantry did not start on host \(name)")
        throw CancellationError()
    }

    func run(_ arguments: [String], in project: Project, environment: [String: String] = [:]) throws -> GantryBinary.Result {
        try start(arguments, in: project, environment: environment).wait()
    }
}

/// The process table as /proc shows it to the test.
enum ProcessTree {
    static func parent(_ pid: pid_t) -> pid_t? {
        guard let text = try? String(contentsOfFile: "/proc/\(pid)/stat", encoding: .utf8), let close = text.lastIndex(of: ")") else { return nil }
        let fields = text[text.index(after: close)...].split(separator: " ")
        return fields.count > 2 ? pid_t(fields[1]) : nil
    }

    static func command(_ pid: pid_t) -> String? {
        (try? String(contentsOfFile: "/proc/\(pid)/comm", encoding: .utf8))?.trimmingCharacters(in: .whitespacesAndNewlines)
    }

    static func all() -> [pid_t] {
        ((try? FileManager.default.contentsOfDirectory(atPath: "/proc")) ?? []).compactMap { pid_t($0) }
    }

    static func descendants(of root: pid_t) -> [pid_t] {
        let table = Dictionary(all().compactMap { pid in parent(pid).map { (pid, $0) } }, uniquingKeysWith: { first, _ in first })
        var found: [pid_t] = []
        var frontier = [root]
        while let next = frontier.popLast() {
            let children = table.filter { $0.value == next }.map(\.key)
            found += children
            frontier += children
        }
        return found
    }

    /// Processes whose environment says they belong to `deployment` (GANTRY_DEPLOYMENT_ID),
    /// that are not zombies.
    static func processes(ofDeployment deployment: String) -> [pid_t] {
        let marker = Array("GANTRY_DEPLOYMENT_ID=\(deployment)".utf8)
        return all().filter { pid in
            guard let environ = FileManager.default.contents(atPath: "/proc/\(pid)/environ"),
                  environ.split(separator: 0).contains(where: { Array($0) == marker }) else { return false }
            guard let text = try? String(contentsOfFile: "/proc/\(pid)/stat", encoding: .utf8), let close = text.lastIndex(of: ")") else { return false }
            return !text[text.index(after: close)...].hasPrefix(" Z")
        }
    }
}
