import GantryCore
import GantryLeaseGuard

/// Commands on the hosts and the guards around them: a command starts under a
/// `LeaseGuardWatch` made from the newest confirmed renewal's send, makes its changes on the
/// hosts (which fence on its token), and ends by itself or by the guard's signals; the guard
/// looks at its runner's clock at each deadline.
extension World {
    mutating func startCommand(_ d: Int, kind: CommandRun.Kind, release: String) {
        guard let token = deployers[d].token else { return }
        let runner = deployers[d].runner
        let reading = local(runner, now)
        let watch = LeaseGuardWatch(
            sentAt: UInt64(deployers[d].lastConfirmedSend), term: UInt64(timing.term.nanoseconds), kill: UInt64(timing.kill.nanoseconds), grace: UInt64(schedule.grace)
        )
        if deployers[d].leaseLost || watch.isTooLate(at: UInt64(reading)) {
            note(name(d), "\(kind.rawValue) command", "not started: its lease is too old (exit 75)")
            let id = commands.count
            commands.append(CommandRun(
                id: id, deployer: d, runner: runner, environment: deployers[d].environment, token: token, kind: kind, release: release,
                start: now, plannedEnd: now, fails: true, changes: 0, watch: watch, ended: true, endedAt: now, termination: .exited(LeaseGuardTiming.tooLateStatus)
            ))
            deployers[d].command = id
            return commandReported(d)
        }
        let job = deployers[d].job
        let duration = kind == .deploy ? job.commandDuration : random.int(in: (schedule.lease / 20)...(schedule.lease / 2))
        let id = commands.count
        let command = CommandRun(
            id: id, deployer: d, runner: runner, environment: deployers[d].environment, token: token, kind: kind, release: release,
            start: now, plannedEnd: now + duration, fails: kind == .deploy && job.commandFails, changes: kind == .deploy ? job.changes : 1, watch: watch
        )
        checkNotHeldByHand(d, kind: kind, token: token)
        // Invariant 1, on the hosts' record.
        for other in commands where !other.ended && other.environment == command.environment {
            if other.excused || runners[other.runner].frozen(at: now) != nil {
                hosts[command.environment].excusedOverlap = true
            } else {
                violate(.oneCommandAtATime, "\(name(d))'s \(kind.rawValue) (token \(token)) started while \(name(other.deployer))'s \(other.kind.rawValue) (token \(other.token)) still ran on e\(command.environment)")
            }
        }
        commands.append(command)
        deployers[d].command = id
        deployers[d].changed = true
        note(name(d), "\(kind.rawValue) command starts (token \(token))", "ends in \(duration / 1_000_000) ms unless stopped")
        for change in 1...max(command.changes, 1) where command.changes > 0 {
            queue.push(.commandChange(id), at: now + duration * Int64(change) / Int64(command.changes + 1))
        }
        queue.push(.commandEnd(id), at: now + duration)
        queue.push(.guardLook(id), at: storeTime(runner, Int64(watch.nextDeadline)))
    }

    /// A change on the hosts: accepted under a token at least the highest they have
    /// accepted; refused otherwise (the play fails on the host), unless the hosts do not
    /// fence (`no-host-fence`), which breaks §4's invariant.
    mutating func commandChange(_ c: Int) {
        guard !commands[c].ended else { return }
        let environment = commands[c].environment
        if let highest = hosts[environment].highestToken, commands[c].token < highest {
            if plant == .noHostFence {
                violate(.hostFencing, "the hosts of e\(environment) accepted a change under token \(commands[c].token) after one under \(highest)")
            } else {
                note("hosts e\(environment)", "change under token \(commands[c].token)", "refused by the fence (highest \(highest))")
                commands[c].fails = true
                commands[c].plannedEnd = now
                return commandEnded(c, termination: .exited(1))
            }
        }
        hosts[environment].highestToken = max(hosts[environment].highestToken ?? commands[c].token, commands[c].token)
        hosts[environment].current = commands[c].release
        commands[c].changesDone += 1
        note("hosts e\(environment)", "\(commands[c].kind.rawValue) change to \(commands[c].release) (token \(commands[c].token))")
    }

    mutating func commandEnded(_ c: Int, termination: CommandTermination) {
        guard !commands[c].ended else { return }
        commands[c].ended = true
        commands[c].endedAt = now
        commands[c].termination = termination
        note("r\(commands[c].runner + 1) command", "\(commands[c].kind.rawValue) of \(deployers[commands[c].deployer].id) \(termination)")
        let d = commands[c].deployer
        if deployers[d].alive, deployers[d].command == c { commandReported(d) }
    }

    /// gantry learns how its command ended and journals it before telling the machine.
    mutating func commandReported(_ d: Int) {
        guard deployers[d].phase == .holding else { return }
        if deployers[d].escalated {
            deployers[d].waiting = .nothing
            deployers[d].next = .none
            return perform(d, deployers[d].machine.handle(.stoppedAtOnce(changed: deployers[d].changed)))
        }
        deployers[d].waiting = .call(send(.journal, for: d))
    }

    /// The guard looks at its clock: the production decision says what to send.
    mutating func guardLook(_ c: Int) {
        guard !commands[c].ended, commands[c].guardAlive, !runners[commands[c].runner].gone else { return }
        let runner = commands[c].runner
        let reading = UInt64(local(runner, now))
        switch commands[c].watch.decide(at: reading) {
        case .kill:
            // A guard frozen with its whole runner looks late: beyond any guard, the fence's case.
            if !commands[c].holderGone, !commands[c].excused {
                // Invariant 6: the kill lands before the lease expires on the store's clock.
                if let expiry = store.expiries[commands[c].environment]?[commands[c].token.value], now >= expiry {
                    violate(.killBeforeExpiry, "r\(runner + 1)'s guard killed token \(commands[c].token)'s command \((now - expiry) / 1_000_000) ms after the lease expired on the store's clock")
                }
            }
            signal(c, kill: true, why: "the guard's SIGKILL")
        case .terminate:
            signal(c, kill: false, why: "the guard's SIGTERM")
            queue.push(.guardLook(c), at: max(now + 1, storeTime(runner, Int64(commands[c].watch.nextDeadline))))
        case nil:
            queue.push(.guardLook(c), at: max(now + 1, storeTime(runner, Int64(commands[c].watch.nextDeadline))))
        }
    }

    /// SIGTERM (the command ends within the grace period, unless it ignores it) or SIGKILL
    /// (it dies after its death delay, up to `L/10` for a late death).
    mutating func signal(_ c: Int, kill: Bool, why: String) {
        guard !commands[c].ended else { return }
        let job = deployers[commands[c].deployer].job
        if kill {
            guard !commands[c].dying || commands[c].termination != .signaled(9) else { return }
            commands[c].dying = true
            commands[c].termination = .signaled(9)
            note("r\(commands[c].runner + 1) guard", why, "dies in \(job.deathDelay / 1_000_000) ms")
            queue.push(.commandDies(c), at: now + job.deathDelay)
        } else if !job.ignoresTerm, !commands[c].dying {
            commands[c].dying = true
            commands[c].termination = .signaled(15)
            let delay = random.int(in: 0...schedule.grace)
            note("r\(commands[c].runner + 1) guard", why, "ends in \(delay / 1_000_000) ms")
            queue.push(.commandDies(c), at: now + delay)
        } else {
            note("r\(commands[c].runner + 1) guard", why, "ignored")
        }
    }

    /// gantry forwards a confirmed renewal to the guard of its running command.
    mutating func heartbeat(_ d: Int, sentAt: Int64) {
        guard let c = deployers[d].command, !commands[c].ended, commands[c].guardAlive else { return }
        commands[c].watch.renewed(sentAt: UInt64(sentAt))
    }

    /// The holder is gone (its pipe closed, or it says the lease is lost): the guard stops
    /// the command now, SIGKILL after the grace period.
    mutating func holderGone(_ d: Int) {
        guard let c = deployers[d].command, !commands[c].ended, commands[c].guardAlive else { return }
        commands[c].holderGone = true
        commands[c].watch.holderGone(at: UInt64(local(commands[c].runner, now)))
        queue.push(.guardLook(c), at: now)
    }
}
