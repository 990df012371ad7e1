#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import GantryCore
import GantryLeaseGuard

/// gantry takes over its guard's job when the guard dies before its command (a SIGKILL to the
/// guard alone): the same decision (`LeaseGuardWatch`) on the same boot clock, fed from the
/// lease's watch, sending its signals to the command's process group. Without it, a command
/// whose guard was killed would run on unguarded while gantry, cut off from the store, lost
/// the lease and a successor took over. (A gantry frozen or dead with its guard is beyond any
/// guard; the hosts' fence is for that.)
enum GuardStandIn {
    /// How often gantry looks whether the guard still runs, and at the deadlines once it
    /// stands in.
    static let interval: Duration = .milliseconds(100)

    /// Watches the guard (`guardPID`, which leads `group`) until the group has ended or the
    /// task is cancelled; once the guard has ended while its group runs on, guards the group.
    static func watch(guardPID: pid_t, group: pid_t, spec: LeaseGuardSpec, grace: Duration) async {
        while !Task.isCancelled {
            do { try await Task.sleep(for: interval) } catch { return }
            if ProcessTable.isRunning(guardPID) { continue }
            guard ProcessTable.groupIsRunning(group) else { return }
            await standIn(group: group, spec: spec, grace: grace)
            return
        }
    }

    private static func standIn(group: pid_t, spec: LeaseGuardSpec, grace: Duration) async {
        var decision = LeaseGuardWatch(
            sentAt: spec.watch.lastConfirmed, term: nanoseconds(spec.timing.term), kill: nanoseconds(spec.timing.kill), grace: nanoseconds(grace)
        )
        var toldLost = false
        while !Task.isCancelled, ProcessTable.groupIsRunning(group) {
            let now = MachineClock.nanoseconds()
            decision.renewed(sentAt: spec.watch.lastConfirmed)
            if spec.watch.isLost, !toldLost {
                toldLost = true
                decision.holderGone(at: now)
            }
            switch decision.decide(at: now) {
            case .terminate: kill(-group, SIGTERM)
            case .kill: kill(-group, SIGKILL)
            case nil: break
            }
            let wait = min(interval, .nanoseconds(Int64(clamping: decision.nextDeadline &- min(decision.nextDeadline, now))))
            do { try await Task.sleep(for: max(wait, .milliseconds(5))) } catch { return }
        }
    }

    /// How long until the guard would have sent SIGKILL (zero once past it).
    static func untilKill(_ spec: LeaseGuardSpec) -> Duration {
        let deadline = spec.watch.lastConfirmed &+ nanoseconds(spec.timing.kill)
        let now = MachineClock.nanoseconds()
        return .nanoseconds(Int64(clamping: deadline &- min(deadline, now)))
    }

    private static func nanoseconds(_ duration: Duration) -> UInt64 {
        UInt64(clamping: duration.nanoseconds)
    }
}
