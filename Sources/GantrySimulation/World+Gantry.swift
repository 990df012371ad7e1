import GantryCore

/// What each gantry process does: waits for the lease (the production `LeaseWait`, in
/// `World+LeaseWait`), renews it on the production renewal schedule, recovers abandoned
/// deployments (waiting the guard's margin for another host's holder), steps the production
/// state machine, and records the outcome under its token.
extension World {
    mutating func startNextJob(on runner: Int, at time: Int64) {
        guard !runners[runner].gone, runners[runner].current == nil, !runners[runner].pending.isEmpty else { return }
        let d = runners[runner].pending.removeFirst()
        runners[runner].current = d
        queue.push(.jobStart(d), at: max(time, deployers[d].job.startAt))
    }

    mutating func startJob(_ d: Int) {
        guard deployers[d].alive, deployers[d].phase == .idle else { return }
        if deployers[d].isHandHold { return startHandHold(d) }
        deployers[d].phase = .waiting
        note(name(d), deployers[d].isRecover ? "gantry recover e\(deployers[d].environment)" : "gantry deploy e\(deployers[d].environment) --release \(deployers[d].job.release)")
        startLeaseWait(d)
    }

    /// The lease is taken (`LeaseWait`'s `acquired`): the guards count from the send of the
    /// request that took it, the first renewal is due a third of the lease after that send,
    /// and the deployment begins.
    mutating func leaseTaken(_ d: Int, _ lease: Lease, sentLocal: Int64) {
        deployers[d].phase = .holding
        deployers[d].token = lease.token
        deployers[d].acquiredLocal = local(deployers[d].runner, now)
        deployers[d].lastConfirmedSend = sentLocal
        let first = schedulePlan.first(now: .nanoseconds(deployers[d].acquiredLocal), age: .nanoseconds(deployers[d].acquiredLocal - sentLocal))
        scheduleRenewal(d, dueLocal: first.nanoseconds)
        note(name(d), "lease \(lease.token) taken", "begin")
        deployers[d].waiting = .call(send(.begin, for: d))
    }

    /// An answer (nil: no answer in time) to one of the deployer's calls.
    mutating func receive(_ answer: StoreCall.Answer?, for call: StoreCall, call index: Int) {
        let d = call.deployer
        if case .renew = call.kind {
            if deployers[d].freshenCall == index { return freshened(d, answer, sentLocal: call.sentLocal) }
            return renewAnswered(d, answer, sentLocal: call.sentLocal)
        }
        // Nobody waits for these.
        if case .release = call.kind { return }
        if case .dequeue = call.kind { return }
        guard case .call(let waited) = deployers[d].waiting, waited == index else { return }
        deployers[d].waiting = .nothing
        if deployers[d].isHandHold { return handHoldAnswered(d, answer, call: call) }
        if deployers[d].phase == .waiting { return leaseWaitAnswered(d, answer, call: call) }
        switch (call.kind, answer) {
        case (.begin, .begun(let state, let unfinished, let last)):
            deployers[d].begun = true
            deployers[d].state = state
            deployers[d].lastDeployment = last
            recover(d, unfinished)
        case (.recoverRecord, .accepted):
            afterRecovery(d)
        case (.journal, .accepted):
            let command = commands[deployers[d].command!]
            feed(d, .commandFinished(command.termination, recognized: command.termination == .exited(0) ? nil : leaseStopped(d, command.termination)))
        case (.finish(let outcome, _), .accepted):
            deployers[d].recorded = outcome
            end(d, exit: outcome.exitCode, why: "recorded \(outcome.rawValue)")
        default:
            // The store failed or refused the token: a store failure, exit 4 once a command
            // may have changed production; the deployment stays unfinished for recovery.
            end(d, exit: ExitStatus.needsPerson, why: "the store \(answer == nil ? "did not answer" : "refused the token") (\(describe(call.kind)))")
        }
    }

    /// The product's rule (`LeaseGuardTiming.stoppedForLease`), on the simulated clock: a command whose
    /// lease was lost or not confirmed for the shortest guard term was stopped for its lease.
    func leaseStopped(_ d: Int, _ termination: CommandTermination) -> ReasonCode? {
        let since = local(deployers[d].runner, now) - deployers[d].lastConfirmedSend
        return LeaseGuardTiming.stoppedForLease(
            termination, sinceConfirmed: UInt64(max(0, since)), lost: deployers[d].leaseLost, lease: .nanoseconds(schedule.lease)
        )
    }

    mutating func scheduleRenewal(_ d: Int, dueLocal: Int64) {
        deployers[d].renewGeneration += 1
        queue.push(.renewDue(d, deployers[d].renewGeneration), at: max(now, storeTime(deployers[d].runner, dueLocal)))
    }

    mutating func renewDue(_ d: Int, generation: Int) {
        guard deployers[d].alive, deployers[d].phase == .holding, generation == deployers[d].renewGeneration, !deployers[d].leaseLost else { return }
        deployers[d].renewInFlight = true
        send(.renew, for: d)
    }

    /// `LeaseSession.freshen`, before every command: when the newest confirmed send is more
    /// than a third of the lease old (`RenewalSchedule.freshenDue`), one renewal is sent and
    /// its answer (or its attempt bound) awaited first, outside the renewal schedule.
    mutating func freshenThenStart(_ d: Int, kind: CommandRun.Kind, release: String) {
        let since = local(deployers[d].runner, now) - deployers[d].lastConfirmedSend
        guard !deployers[d].leaseLost, schedulePlan.freshenDue(sinceConfirmed: .nanoseconds(max(0, since))) else {
            return startCommand(d, kind: kind, release: release)
        }
        note(name(d), "freshen", "the last confirmed renewal was sent \(since / 1_000_000) ms ago: renew once before the \(kind.rawValue) command")
        // Waiting with the command as the next step, so an interruption meanwhile stops it
        // as it stops any step not yet begun.
        deployers[d].next = .startCommand(kind: kind, release: release)
        deployers[d].waiting = .delay
        deployers[d].freshenCall = send(.renew, for: d)
    }

    /// The freshening renewal's answer: a confirmation reaches the guards like any renewal's,
    /// a refusal loses the lease, no answer leaves the judgement to the guard; then the
    /// command is started (or found too late to start).
    mutating func freshened(_ d: Int, _ answer: StoreCall.Answer?, sentLocal: Int64) {
        deployers[d].freshenCall = nil
        guard deployers[d].phase == .holding else { return }
        switch answer {
        case .renewed(.some):
            deployers[d].lastConfirmedSend = max(deployers[d].lastConfirmedSend, sentLocal)
            heartbeat(d, sentAt: plant == .renewFromAnswer ? local(deployers[d].runner, now) : sentLocal)
        case .renewed(.none):
            deployers[d].leaseLost = true
            note(name(d), "renewal refused", "lease lost")
        default:
            break
        }
        guard case .delay = deployers[d].waiting else { return }
        deployers[d].waiting = .nothing
        let next = deployers[d].next
        deployers[d].next = .none
        switch next {
        case .startCommand(let kind, let release): startCommand(d, kind: kind, release: release)
        case .feed(let event): feed(d, event)
        case .none, .recoverRecord: return
        }
    }

    mutating func renewAnswered(_ d: Int, _ answer: StoreCall.Answer?, sentLocal: Int64) {
        guard deployers[d].phase == .holding, deployers[d].renewInFlight else { return }
        deployers[d].renewInFlight = false
        let started = Duration.nanoseconds(sentLocal), reading = local(deployers[d].runner, now)
        let result: RenewalSchedule.Answer
        switch answer {
        case .renewed(.some):
            result = .confirmed
            deployers[d].lastConfirmedSend = max(deployers[d].lastConfirmedSend, sentLocal)
            // The guard hears the send time; the plant hands it the arrival instead.
            heartbeat(d, sentAt: plant == .renewFromAnswer ? reading : sentLocal)
        case .renewed(.none):
            result = .lost
            deployers[d].leaseLost = true
            note(name(d), "renewal refused", "lease lost: the guard stops the command")
            holderGone(d)
        default:
            result = .noAnswer
        }
        if let next = schedulePlan.next(after: result, started: started, now: .nanoseconds(reading)) {
            scheduleRenewal(d, dueLocal: next.nanoseconds)
        }
    }

    /// Recovery of the environment's unfinished deployments: one of this runner's is stopped
    /// here (its command killed); another host's is waited for, the guard's margin counted
    /// from when the lease was taken (`recover-early`: not waited).
    mutating func recover(_ d: Int, _ unfinished: [String]) {
        deployers[d].toRecover = unfinished
        guard !unfinished.isEmpty else { return afterRecovery(d) }
        var wait: Int64 = 0
        for id in unfinished {
            guard let owner = deployers.firstIndex(where: { $0.id == id }) else { continue }
            if deployers[owner].runner == deployers[d].runner {
                for c in commands.indices where commands[c].deployer == owner && !commands[c].ended {
                    signal(c, kill: true, why: "recovery stops its own runner's orphan")
                    wait = max(wait, commands[c].plannedEnd - now)
                }
            } else if plant != .recoverEarly {
                let left = margin - (local(deployers[d].runner, now) - deployers[d].acquiredLocal)
                wait = max(wait, storeSpan(deployers[d].runner, left))
            }
        }
        note(name(d), "recovering \(unfinished.joined(separator: ", "))", wait > 0 ? "waiting \(wait / 1_000_000) ms first" : "")
        deployers[d].next = .recoverRecord
        deployers[d].waiting = .delay
        queue.push(.proceed(d), at: now + max(wait, 0))
    }

    mutating func afterRecovery(_ d: Int) {
        if deployers[d].isRecover {
            deployers[d].waiting = .call(send(.finish(.succeeded, promote: false), for: d))
            return
        }
        var action = deployers[d].machine.handle(.lockAcquired)
        if case .readState = action {
            action = deployers[d].machine.handle(.stateRead(deployers[d].state, lastDeployment: deployers[d].lastDeployment))
        }
        // Interrupted twice before the loop began: the first step that starts work stops.
        if deployers[d].escalated, action.startsWork { action = deployers[d].machine.handle(.stoppedAtOnce(changed: false)) }
        perform(d, action)
    }

    mutating func proceed(_ d: Int) {
        guard deployers[d].alive, case .delay = deployers[d].waiting else { return }
        deployers[d].waiting = .nothing
        let next = deployers[d].next
        deployers[d].next = .none
        switch next {
        case .none: return
        case .recoverRecord:
            if deployers[d].toRecover.isEmpty { return afterRecovery(d) }
            deployers[d].waiting = .call(send(.recoverRecord(deployers[d].toRecover), for: d))
        case .startCommand(let kind, let release):
            freshenThenStart(d, kind: kind, release: release)
        case .feed(let event):
            feed(d, event)
        }
    }

    mutating func feed(_ d: Int, _ event: DeploymentStateMachine.Event) {
        perform(d, deployers[d].machine.handle(event))
    }

    /// Performs the machine's action: what the engine's loop does, in the simulated world.
    mutating func perform(_ d: Int, _ action: DeploymentStateMachine.Action) {
        var action = action
        if case .preflight = action { action = deployers[d].machine.handle(.preflightDone(failures: [])) }
        note(name(d), "machine", "\(action)")
        switch action {
        case .runDeploy(_, let delay):
            wait(d, delay.nanoseconds, then: .startCommand(kind: .deploy, release: deployers[d].job.release))
        case .runRollback(let target):
            wait(d, 0, then: .startCommand(kind: .rollback, release: target))
        case .verify:
            let failing = deployers[d].job.checksFail && deployers[d].machine.verificationStep == .verify
            wait(d, random.int(in: 10_000_000...(schedule.lease / 10)), then: .feed(.verified(failures: failing ? ["app: HTTP 500"] : [], checked: 1)))
        case .finish(let outcome, _, let promote):
            deployers[d].waiting = .call(send(.finish(outcome, promote: promote), for: d))
        case .bake(let duration):
            // The batch is checked again at the bake's end.
            let failing = deployers[d].job.failsAfterBake
            wait(d, storeSpan(deployers[d].runner, duration.nanoseconds), then: .feed(.verified(failures: failing ? ["app: HTTP 500 after the bake"] : [], checked: 1)))
        case .pause(let reason, let timeout):
            // A timed step goes on by itself; a person promotes (or no one does, and the
            // pause times out). The lease is renewed all along.
            let runner = deployers[d].runner
            if reason.timed {
                wait(d, storeSpan(runner, timeout.nanoseconds), then: .feed(.promoted("the pause step's time passed")))
            } else if let after = deployers[d].job.promoteAfter, after < timeout.nanoseconds {
                wait(d, storeSpan(runner, after), then: .feed(.promoted("promoted by a person")))
            } else {
                wait(d, storeSpan(runner, timeout.nanoseconds), then: .feed(.aborted("no one promoted it within its pause_timeout", .pauseTimeout)))
            }
        case .refuse:
            end(d, exit: ExitStatus.refused, why: "refused")
        case .readState, .preflight, .none, .unexpected:
            end(d, exit: ExitStatus.needsPerson, why: "no step for \(action) in the simulation")
        }
    }

    mutating func wait(_ d: Int, _ delay: Int64, then next: Deployer.Next) {
        deployers[d].next = next
        deployers[d].waiting = .delay
        queue.push(.proceed(d), at: now + delay)
    }

    /// The gantry process ends with `exit`: its lease released (a call nobody waits for),
    /// its renewals stopped, and its runner free for the next job.
    mutating func end(_ d: Int, exit: Int32, why: String) {
        guard deployers[d].alive, deployers[d].phase != .done else { return }
        let held = deployers[d].phase == .holding
        deployers[d].phase = .done
        // An answer still on its way, or a wait's wake-up, finds nothing to go on with.
        deployers[d].waiting = .nothing
        deployers[d].exitCode = exit
        deployers[d].renewGeneration += 1
        note(name(d), "exit \(exit)", why)
        if held { send(.release, for: d) }
        finishOnRunner(d)
    }

    mutating func finishOnRunner(_ d: Int) {
        let runner = deployers[d].runner
        guard runners[runner].current == d else { return }
        runners[runner].current = nil
        startNextJob(on: runner, at: now)
    }
}
