import CGantryGuard
#if canImport(Glibc)
import Glibc
#endif

/// The lease guard: a small process between gantry and a command that changes production.
///
/// gantry starts it (the small `gantry-lease-guard` beside the gantry binary, or
/// `gantry __lease-guard …`, an internal mode of gantry itself, where that is missing) in the
/// command's new session; it starts the command in its own process group and then only
/// listens. Standard input is a pipe from the holder carrying heartbeats: `R <ns>` when a
/// renewal sent at that boot-time-clock reading was confirmed, `L` when the lease is lost.
/// Counting from the newest confirmed send it sends SIGTERM to the group at `term` and
/// SIGKILL at `kill` (see `LeaseGuardTiming`), so the command stops before the lease can
/// expire even when gantry is frozen or cut off from the store. When the pipe closes (gantry
/// died) it sends SIGTERM at once and SIGKILL after the grace period, still no later than
/// `kill`. It ignores SIGINT and SIGTERM itself, so a signal to the group reaches the
/// command while the guard keeps watching, and it exits with the command's status.
///
/// If the guard itself is killed (SIGKILL to it alone), the command runs on unguarded until
/// it ends or gantry stops its group; gantry's own timeout and interruption still apply, and
/// recovery still finds it by its process group and deployment id.
package enum LeaseGuardProcess {
    /// The argument that selects this mode.
    package static let mode = "__lease-guard"

    /// The small executable that runs only the guard: it starts in a fraction of the time the
    /// whole gantry binary needs, which keeps the guard off a lock hand-off's critical path.
    package static let executableName = "gantry-lease-guard"

    /// The guard's arguments (after the mode word) before `--` and the command.
    package static func arguments(termMilliseconds: Int64, killMilliseconds: Int64, sentAt: UInt64, graceMilliseconds: Int64, program: String, arguments: [String]) -> [String] {
        [String(termMilliseconds), String(killMilliseconds), String(sentAt), String(graceMilliseconds), "--", program] + arguments
    }

    /// Exit status when the deadline had passed before the command could start.
    static let tooLate: Int32 = 75

    /// Runs the guard with the process's arguments (after the mode word); never returns.
    package static func main(_ arguments: [String]) -> Never {
        guard arguments.count >= 6, arguments[4] == "--",
              let term = UInt64(arguments[0]), let kill = UInt64(arguments[1]), let sentAt = UInt64(arguments[2]), let grace = UInt64(arguments[3]) else {
            say("gantry: \(mode) is internal: \(mode) TERM_MS KILL_MS SENT_AT_NS GRACE_MS -- PROGRAM [ARGS...]")
            exit(2)
        }
        var watch = LeaseGuardWatch(sentAt: sentAt, term: term * 1_000_000, kill: kill * 1_000_000, grace: grace * 1_000_000)
        if watch.isTooLate(at: bootClock()) {
            say("gantry: the lease was not renewed in time; the command was not started")
            exit(tooLate)
        }
        // The guard signals its own process group: make sure that group is its own (gantry
        // starts it as a session leader; anyone else gets one made here).
        if getpgrp() != getpid() { _ = setpgid(0, 0) }
        for number in [SIGINT, SIGTERM, SIGHUP, SIGPIPE] { signal(number, SIG_IGN) }
        let subreaper = gantry_become_subreaper() == 0
        let wake = installChildWake()
        let child = spawn(Array(arguments.dropFirst(5)))
        var input: Int32 = STDIN_FILENO
        var pending = ""
        while true {
            if let status = reap(child) { finish(status, sweepingUntil: watch, subreaper: subreaper) }
            let now = bootClock()
            switch watch.decide(at: now) {
            case .kill: Glibc.kill(0, SIGKILL)
            case .terminate: Glibc.kill(0, SIGTERM)
            case nil: break
            }
            let next = watch.nextDeadline
            let timeout = Int32(clamping: (next - min(next, now) + 999_999) / 1_000_000)
            var fds = [pollfd(fd: wake, events: Int16(POLLIN), revents: 0)]
            if input >= 0 { fds.append(pollfd(fd: input, events: Int16(POLLIN), revents: 0)) }
            let ready = poll(&fds, nfds_t(fds.count), max(timeout, 1))
            guard ready > 0 else { continue }
            if fds[0].revents != 0 { drain(wake) }
            if fds.count > 1, fds[1].revents != 0 {
                var buffer = [UInt8](repeating: 0, count: 4096)
                let count = read(input, &buffer, buffer.count)
                if count <= 0 {
                    if count == 0 || (errno != EINTR && errno != EAGAIN) {
                        input = -1
                        watch.holderGone(at: bootClock())
                    }
                    continue
                }
                pending += String(decoding: buffer[0..<count], as: UTF8.self)
                while let newline = pending.firstIndex(of: "\n") {
                    let line = pending[..<newline]
                    pending = String(pending[pending.index(after: newline)...])
                    if line == "L" {
                        watch.holderGone(at: bootClock())
                    } else if line.hasPrefix("R "), let confirmed = UInt64(line.dropFirst(2)) {
                        watch.renewed(sentAt: confirmed)
                    }
                }
            }
        }
    }

    /// `CLOCK_BOOTTIME` in nanoseconds: the clock gantry's heartbeats are read on
    /// (`MachineClock` in the core; this target stays free of Foundation to start fast).
    static func bootClock() -> UInt64 {
        var spec = timespec()
        clock_gettime(CLOCK_BOOTTIME, &spec)
        return UInt64(spec.tv_sec) * 1_000_000_000 + UInt64(spec.tv_nsec)
    }

    private static func say(_ text: String) {
        let line = text + "\n"
        _ = line.withCString { write(STDERR_FILENO, $0, strlen($0)) }
    }

    /// Starts the command in the guard's process group with default signal handling and
    /// /dev/null as its standard input (the guard's own is the heartbeat pipe).
    private static func spawn(_ argv: [String]) -> pid_t {
        var attributes = posix_spawnattr_t()
        posix_spawnattr_init(&attributes)
        var defaults = sigset_t()
        sigemptyset(&defaults)
        for number in [SIGINT, SIGTERM, SIGHUP, SIGPIPE, SIGQUIT, SIGCHLD] { sigaddset(&defaults, number) }
        posix_spawnattr_setsigdefault(&attributes, &defaults)
        var mask = sigset_t()
        sigemptyset(&mask)
        posix_spawnattr_setsigmask(&attributes, &mask)
        posix_spawnattr_setflags(&attributes, Int16(POSIX_SPAWN_SETSIGDEF | POSIX_SPAWN_SETSIGMASK))
        var actions = posix_spawn_file_actions_t()
        posix_spawn_file_actions_init(&actions)
        posix_spawn_file_actions_addopen(&actions, STDIN_FILENO, "/dev/null", O_RDONLY, 0)
        var pid: pid_t = 0
        let cArguments = argv.map { strdup($0) } + [nil]
        let result = posix_spawnp(&pid, argv[0], &actions, &attributes, cArguments, environ)
        if result != 0 {
            say("gantry: could not start '\(argv[0])': \(String(cString: strerror(result)))")
            exit(127)
        }
        return pid
    }

    /// Whether the command ended, and how.
    private static func reap(_ child: pid_t) -> Int32? {
        var status: Int32 = 0
        let result = waitpid(child, &status, WNOHANG)
        return result == child ? status : nil
    }

    /// Once the command's own process has ended, what it left in the group (a background
    /// job, a child that outlived it) gets SIGTERM, then SIGKILL after the grace period, and
    /// never later than the kill deadline: nothing of the command runs on unguarded.
    private static func finish(_ status: Int32, sweepingUntil watch: LeaseGuardWatch, subreaper: Bool) -> Never {
        // As a subreaper the guard inherits whatever the command left: no child left means
        // nothing to sweep, known without reading /proc (the usual case, on every hand-off).
        if subreaper, !descendantsRemain() { finish(status) }
        var left = groupMembers()
        if !left.isEmpty {
            for pid in left { Glibc.kill(pid, SIGTERM) }
            let deadline = min(bootClock() + watch.grace, watch.killAt)
            while !left.isEmpty, bootClock() < deadline {
                var pause = timespec(tv_sec: 0, tv_nsec: 20_000_000)
                nanosleep(&pause, nil)
                _ = descendantsRemain()
                left = groupMembers()
            }
            for pid in left { Glibc.kill(pid, SIGKILL) }
        }
        finish(status)
    }

    /// Reaps descendants that ended; whether any still run.
    static func descendantsRemain() -> Bool {
        var status: Int32 = 0
        while true {
            let reaped = waitpid(-1, &status, WNOHANG)
            if reaped > 0 { continue }
            return reaped == 0
        }
    }

    /// The processes of the guard's group other than the guard, not zombies, from /proc.
    static func groupMembers() -> [pid_t] {
        let me = getpid()
        let group = getpgrp()
        guard let directory = opendir("/proc") else { return [] }
        defer { closedir(directory) }
        var members: [pid_t] = []
        var buffer = [UInt8](repeating: 0, count: 512)
        while let entry = readdir(directory) {
            let name = withUnsafeBytes(of: entry.pointee.d_name) { raw in
                String(decoding: raw.prefix { $0 != 0 }, as: UTF8.self)
            }
            guard let pid = pid_t(name), pid != me else { continue }
            let fd = open("/proc/\(pid)/stat", O_RDONLY)
            guard fd >= 0 else { continue }
            let count = read(fd, &buffer, buffer.count)
            close(fd)
            guard count > 0 else { continue }
            // After the last ')': state, ppid, pgrp.
            let text = buffer[0..<count]
            guard let close = text.lastIndex(of: UInt8(ascii: ")")) else { continue }
            let fields = text[(close + 1)...].split(separator: UInt8(ascii: " "))
            guard fields.count > 3, fields[0].first != UInt8(ascii: "Z"),
                  let pgrp = pid_t(String(decoding: fields[2], as: UTF8.self)), pgrp == group else { continue }
            members.append(pid)
        }
        return members
    }

    /// Leaves the way the command left: its exit status, or the same signal.
    private static func finish(_ status: Int32) -> Never {
        let signalled = status & 0x7f
        if signalled == 0 { exit((status >> 8) & 0xff) }
        signal(signalled, SIG_DFL)
        var unblock = sigset_t()
        sigemptyset(&unblock)
        sigaddset(&unblock, signalled)
        sigprocmask(SIG_UNBLOCK, &unblock, nil)
        Glibc.kill(getpid(), signalled)
        exit(128 + signalled)
    }

    /// A pipe that SIGCHLD writes to, so the poll wakes when the command ends.
    private static func installChildWake() -> Int32 {
        var ends: [Int32] = [0, 0]
        pipe(&ends)
        for end in ends {
            _ = fcntl(end, F_SETFD, FD_CLOEXEC)
            _ = fcntl(end, F_SETFL, fcntl(end, F_GETFL) | O_NONBLOCK)
        }
        childWake = ends[1]
        signal(SIGCHLD) { _ in
            var byte: UInt8 = 1
            _ = write(childWake, &byte, 1)
        }
        return ends[0]
    }

    private static func drain(_ fd: Int32) {
        var buffer = [UInt8](repeating: 0, count: 64)
        while read(fd, &buffer, buffer.count) > 0 {}
    }
}

/// The write end of the guard's SIGCHLD pipe; set once before the handler is installed.
nonisolated(unsafe) private var childWake: Int32 = -1
