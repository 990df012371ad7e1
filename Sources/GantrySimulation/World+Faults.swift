import GantryCore
import GantryLeaseGuard

/// The faults of a schedule, as they start and end.
extension World {
    mutating func faultStarted(_ f: Int) {
        let fault = schedule.faults[f]
        faultsInjected[fault.kind, default: 0] += 1
        let runner = fault.runner ?? 0
        let until = fault.at + fault.duration
        note(fault.runner.map { "r\($0 + 1)" } ?? "world", "fault \(fault.kind.rawValue)", fault.duration > 0 && fault.kind != .clockJump ? "for \(fault.duration / 1_000_000) ms" : "")
        switch fault.kind {
        case .gantryFrozen:
            runners[runner].gantryFreezes.append(.init(from: now, until: until))
            // A guard already killed and its gantry now frozen: beyond any guard.
            for c in commands.indices where commands[c].runner == runner && !commands[c].ended && !commands[c].guardAlive { commands[c].excused = true }
        case .runnerFrozen:
            runners[runner].wholeFreezes.append(.init(from: now, until: until))
            for c in commands.indices where commands[c].runner == runner && !commands[c].ended {
                commands[c].excused = true
                // A stopped command makes no progress: it ends that much later.
                commands[c].plannedEnd += fault.duration
                queue.push(.commandEnd(c), at: commands[c].plannedEnd)
            }
        case .gantryKilled:
            if let d = runners[runner].current { killGantry(d, why: "SIGKILL") }
        case .guardKilled:
            for c in commands.indices where commands[c].runner == runner && !commands[c].ended && commands[c].guardAlive {
                commands[c].guardAlive = false
                if runners[runner].gantryFrozen(at: now) != nil || !deployers[commands[c].deployer].alive {
                    // Beyond any guard: nobody is left to stop the command in time.
                    commands[c].excused = true
                }
                // The guard is gantry's direct child: gantry sees it end and stops the rest
                // of its group (SIGTERM, SIGKILL after the grace period), once it runs.
                queue.push(.groupStop(c, kill: false), at: now)
            }
        case .cancelled:
            if let d = runners[runner].current { cancel(d) }
        case .runnerGone:
            runners[runner].gone = true
            if let d = runners[runner].current {
                deployers[d].alive = false
                deployers[d].phase = .done
            }
            runners[runner].current = nil
            runners[runner].pending = []
            for c in commands.indices where commands[c].runner == runner && !commands[c].ended {
                // A dead machine runs nothing more.
                commands[c].guardAlive = false
                commandEnded(c, termination: .signaled(9))
            }
        case .storeRestart:
            store.downUntil = until
            // Every connection dropped: answers on their way are lost.
            for c in calls.indices where !calls[c].settled && calls[c].answer != nil { calls[c].lost = true }
        case .partition:
            runners[runner].partitions.append(.init(from: now, until: until))
        case .lateDeath, .storeSlow, .requestLost, .answerLost, .clockJump:
            // Read where they matter (a command's death, the network); a wall-clock jump
            // touches nothing: every deadline is on the boot clock or the store's (but for
            // the `wall-clock-lease` plant, whose runner clock includes the jumps: `local`).
            break
        }
    }

    mutating func faultEnded(_ f: Int) {
        let fault = schedule.faults[f]
        note(fault.runner.map { "r\($0 + 1)" } ?? "world", "fault \(fault.kind.rawValue) ends")
    }

    /// gantry dies: its guard sees the pipe close and stops the command; the runner takes
    /// its next job.
    mutating func killGantry(_ d: Int, why: String) {
        guard deployers[d].alive else { return }
        deployers[d].alive = false
        let wasDone = deployers[d].phase == .done
        deployers[d].phase = .done
        note(name(d), "gantry \(why)", "its guard stops the command")
        if let c = deployers[d].command, !commands[c].ended {
            if commands[c].guardAlive {
                commands[c].holderGone = true
                commands[c].watch.holderGone(at: UInt64(local(commands[c].runner, now)))
                queue.push(.guardLook(c), at: now)
            } else {
                // Its guard was killed before: beyond any guard.
                commands[c].excused = true
            }
        }
        if !wasDone { finishOnRunner(d) }
    }

    /// GitHub's cancel: SIGINT (the command is stopped and the machine told), SIGTERM 7.5 s
    /// later (stop at once), SIGKILL 2.5 s after that.
    mutating func cancel(_ d: Int) {
        guard deployers[d].alive, !deployers[d].interrupted, deployers[d].phase != .idle else { return }
        deployers[d].interrupted = true
        queue.push(.cancelEscalate(d), at: now + 7_500_000_000)
        queue.push(.cancelKill(d), at: now + 10_000_000_000)
        switch deployers[d].phase {
        case .idle:
            // The job has not started: there is nothing to cancel yet.
            deployers[d].interrupted = false
            return
        case .waiting:
            // The lease wait is cancelled (`LeaseWait.interrupted`): it leaves the queue if it
            // had joined it, and gantry exits on the signal.
            if deployers[d].wait != nil, case .refused(let refusal, let dequeue) = deployers[d].wait!.interrupted() {
                deployers[d].refusal = refusal.code
                if dequeue { send(.dequeue, for: d) }
            }
            deployers[d].wait = nil
            end(d, exit: ExitStatus.interrupted(by: 2), why: "interrupted while waiting for the lease")
        case .holding:
            if let c = deployers[d].command, !commands[c].ended {
                // The runner stops the command's group: SIGTERM, SIGKILL after the grace.
                signal(c, kill: false, why: "SIGTERM from gantry (interrupted)")
                if !commands[c].dying {
                    commands[c].dying = true
                    queue.push(.commandDies(c), at: now + schedule.grace + deployers[d].job.deathDelay)
                }
                commands[c].termination = .cancelled
            } else if case .delay = deployers[d].waiting {
                switch deployers[d].next {
                case .startCommand(.deploy, _), .feed(.verified), .feed(.promoted), .feed(.aborted): deployers[d].next = .feed(.interrupted)
                default: break
                }
            }
        case .done:
            break
        }
    }

    /// The second interruption: the command's group is killed at once; gantry still waits
    /// for it to be reaped (a command in uninterruptible sleep holds it up) before it records
    /// and releases. Before the deployment has begun, the machine stops at its first step.
    mutating func escalate(_ d: Int) {
        guard deployers[d].alive, deployers[d].phase == .holding else { return }
        deployers[d].escalated = true
        note(name(d), "second interruption", "stop at once")
        if let c = deployers[d].command, !commands[c].ended {
            signal(c, kill: true, why: "SIGKILL from gantry (interrupted twice)")
            return
        }
        guard deployers[d].begun else { return }
        deployers[d].waiting = .nothing
        deployers[d].next = .none
        perform(d, deployers[d].machine.handle(.stoppedAtOnce(changed: deployers[d].changed)))
    }
}

extension World {
    /// gantry stops the group of a command whose guard ended (`SubprocessCommandRunner`):
    /// SIGTERM, then SIGKILL after the grace period or at the guard's own kill deadline,
    /// whichever comes first; it reports the command's end once the command has died.
    mutating func stopGroup(_ c: Int, kill: Bool) {
        let d = commands[c].deployer
        guard !commands[c].ended, deployers[d].alive else { return }
        signal(c, kill: kill, why: kill ? "SIGKILL from gantry (its guard ended)" : "SIGTERM from gantry (its guard ended)")
        if !kill {
            let deadline = storeTime(commands[c].runner, deployers[d].lastConfirmedSend + timing.kill.nanoseconds)
            queue.push(.groupStop(c, kill: true), at: max(now, min(now + schedule.grace, deadline)))
        }
    }
}
