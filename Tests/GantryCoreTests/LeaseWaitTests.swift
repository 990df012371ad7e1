import Foundation
import GantryCore
import Testing

/// The lease wait's rules, fed events by hand: no store, no clock, no sleeping.
@Suite("lease wait")
struct LeaseWaitTests {
    static let t0 = Date(timeIntervalSince1970: 1_800_000_000)
    static let me = DeploymentID(rawValue: "20270115-080000.000-aaaaaa")
    static let holder = DeploymentID(rawValue: "20270115-075959.000-bbbbbb")
    static let origin = Origin(host: "runner-2", pid: 200)

    static func settings(wait: Duration = .seconds(60), supersede: Bool = false) -> LeaseWait.Settings {
        LeaseWait.Settings(
            environment: "production", deploymentID: me, release: "2.0", owner: origin, lockWait: wait, lease: .seconds(6),
            supersede: supersede, pollInterval: .milliseconds(20), heartbeat: .seconds(1), staleness: .seconds(10)
        )
    }

    static func lease(token: Int64 = 7, expiresIn seconds: Double = 6, deployment: DeploymentID? = holder) -> Lease {
        Lease(
            environment: "production", token: FencingToken(token), owner: Origin(host: "runner-1", pid: 100), deploymentID: deployment,
            reason: deployment == nil ? "database maintenance" : "deploying 1.9", acquiredAt: t0.addingTimeInterval(-2),
            expiresAt: t0.addingTimeInterval(seconds)
        )
    }

    static func at(_ seconds: Double) -> Date { t0.addingTimeInterval(seconds) }

    /// Drives a wait on a held lease (not paused, holder alive) up to its first `wait`.
    static func waiting(_ wait: inout LeaseWait, lease: Lease = lease()) {
        _ = wait.start()
        #expect(wait.answered(.held(lease), now: t0, sentAt: 1, holderDead: false) == .inspect(holder))
        guard case .enqueue = wait.inspected(pausedRollout: nil) else {
            Issue.record("not enqueued")
            return
        }
        #expect(wait.enqueued() == .announce("waiting up to 1m00s: production is locked by host runner-1, pid 100, deployment \(holder): deploying 1.9 since \(Timestamp.format(at(-2)))"))
        #expect(wait.announced() == .wait(.milliseconds(20)))
    }

    @Test("a free lease is taken at the first answer, with the time its request was sent")
    func free() {
        var wait = LeaseWait(Self.settings(), startedAt: Self.t0)
        #expect(wait.start() == .attempt(breaking: nil, waitersLiveSince: Self.at(-10)))
        let mine = Self.lease(token: 8, deployment: Self.me)
        #expect(wait.answered(.acquired(mine), now: Self.t0, sentAt: 42, holderDead: false) == .acquired(mine, sentAt: 42, broke: nil))
    }

    @Test("a lock held by hand is refused at once, naming who holds it and how to release it")
    func heldByHand() throws {
        var wait = LeaseWait(Self.settings(), startedAt: Self.t0)
        _ = wait.start()
        guard case .refused(let refusal, let dequeue) = wait.answered(.held(Self.lease(deployment: nil)), now: Self.t0, sentAt: 1, holderDead: false) else {
            Issue.record("not refused")
            return
        }
        #expect(refusal.code == .lockHeldByHand)
        #expect(refusal.text.contains("'gantry unlock production' releases it"))
        #expect(!dequeue, "never queued, nothing to leave")
    }

    @Test("a held lease: its deployment's journal is read once, then the wait queues, says why and waits; the next poll of the same lease reads nothing")
    func queues() {
        var wait = LeaseWait(Self.settings(), startedAt: Self.t0)
        Self.waiting(&wait)
        #expect(wait.woke() == .attempt(breaking: nil, waitersLiveSince: Self.at(-10)))
        #expect(wait.answered(.held(Self.lease()), now: Self.at(0.02), sentAt: 2, holderDead: false) == .wait(.milliseconds(20)))
    }

    @Test("a rollout left paused is refused as such: not waited for, and not broken as a dead holder")
    func pausedRollout() {
        var wait = LeaseWait(Self.settings(), startedAt: Self.t0)
        _ = wait.start()
        #expect(wait.answered(.held(Self.lease(expiresIn: 3600)), now: Self.t0, sentAt: 1, holderDead: true) == .inspect(Self.holder))
        guard case .refused(let refusal, _) = wait.inspected(pausedRollout: "batch 1/4: web-1") else {
            Issue.record("not refused")
            return
        }
        #expect(refusal.code == .rolloutPaused)
        #expect(refusal.text.contains("batch 1/4: web-1") && refusal.text.contains("'gantry promote production' or 'gantry abort production'"))
    }

    @Test("a provably dead holder: its journal is read first, then its lease is broken, and the new lease names the broken one")
    func deadHolder() {
        var wait = LeaseWait(Self.settings(), startedAt: Self.t0)
        _ = wait.start()
        let dead = Self.lease()
        #expect(wait.answered(.held(dead), now: Self.t0, sentAt: 1, holderDead: true) == .inspect(Self.holder))
        #expect(wait.inspected(pausedRollout: nil) == .attempt(breaking: dead, waitersLiveSince: Self.at(-10)))
        let mine = Self.lease(token: 8, deployment: Self.me)
        #expect(wait.answered(.acquired(mine), now: Self.t0, sentAt: 99, holderDead: false) == .acquired(mine, sentAt: 99, broke: dead))
    }

    @Test("a lease extended beyond a renewal's reach is looked at again: the rollout that held it may have paused meanwhile")
    func extendedLease() {
        var wait = LeaseWait(Self.settings(), startedAt: Self.t0)
        Self.waiting(&wait)
        _ = wait.woke()
        #expect(wait.answered(.held(Self.lease(expiresIn: 3600)), now: Self.at(0.02), sentAt: 2, holderDead: false) == .inspect(Self.holder))
        #expect(wait.inspected(pausedRollout: nil) == .wait(.milliseconds(20)))
        _ = wait.woke()
        #expect(wait.answered(.held(Self.lease(expiresIn: 3600)), now: Self.at(0.04), sentAt: 3, holderDead: false) == .wait(.milliseconds(20)), "the same extension is read once")
    }

    @Test("past --wait the deployment is refused with lock_wait_timeout and leaves the queue")
    func deadline() {
        var wait = LeaseWait(Self.settings(wait: .seconds(1)), startedAt: Self.t0)
        _ = wait.start()
        _ = wait.answered(.held(Self.lease()), now: Self.t0, sentAt: 1, holderDead: false)
        _ = wait.inspected(pausedRollout: nil)
        _ = wait.enqueued()
        #expect(wait.announced() == .wait(.milliseconds(20)))
        _ = wait.woke()
        guard case .refused(let refusal, let dequeue) = wait.answered(.held(Self.lease()), now: Self.at(1), sentAt: 2, holderDead: false) else {
            Issue.record("not refused")
            return
        }
        #expect(refusal.code == .lockWaitTimeout)
        #expect(refusal.text.hasPrefix("production is locked by host runner-1, pid 100") && refusal.text.hasSuffix(" after waiting \(DurationText.format(.seconds(1)))"))
        #expect(dequeue)
    }

    @Test("--wait 0s refuses at the first answer and never joins the queue")
    func noWait() {
        var wait = LeaseWait(Self.settings(wait: .zero), startedAt: Self.t0)
        _ = wait.start()
        _ = wait.answered(.held(Self.lease()), now: Self.t0, sentAt: 1, holderDead: false)
        guard case .refused(let refusal, let dequeue) = wait.inspected(pausedRollout: nil) else {
            Issue.record("not refused")
            return
        }
        #expect(refusal.code == .lockWaitTimeout && !refusal.text.contains("after waiting"))
        #expect(!dequeue)
    }

    @Test("queued behind an earlier waiter, it looks half as often, leaving the store to the head of the queue")
    func queuedBehind() {
        var wait = LeaseWait(Self.settings(), startedAt: Self.t0)
        _ = wait.start()
        let ahead = LockWaiter(deploymentID: Self.holder, release: "1.9", owner: Origin(host: "runner-1", pid: 100), enqueuedAt: Self.at(-1), heartbeatAt: Self.t0)
        guard case .enqueue(let waiter) = wait.answered(.queuedBehind(ahead), now: Self.t0, sentAt: 1, holderDead: false) else {
            Issue.record("not enqueued")
            return
        }
        #expect(waiter == LockWaiter(deploymentID: Self.me, release: "2.0", owner: Self.origin, enqueuedAt: Self.t0, heartbeatAt: Self.t0))
        #expect(wait.enqueued() == .announce("waiting up to 1m00s: deployment \(Self.holder) (release 1.9) is ahead in the queue for production"))
        #expect(wait.announced() == .wait(.milliseconds(40)))
    }

    @Test("with supersede, a waiter gives up when a newer deployment queues behind it, and stays when it is the newest")
    func supersede() {
        let newer = LockWaiter(deploymentID: DeploymentID(rawValue: "20270115-080001.000-cccccc"), release: "2.1", owner: Self.origin, enqueuedAt: Self.at(1), heartbeatAt: Self.at(1))
        let mine = LockWaiter(deploymentID: Self.me, release: "2.0", owner: Self.origin, enqueuedAt: Self.t0, heartbeatAt: Self.t0)
        var wait = LeaseWait(Self.settings(supersede: true), startedAt: Self.t0)
        _ = wait.start()
        _ = wait.answered(.held(Self.lease()), now: Self.t0, sentAt: 1, holderDead: false)
        _ = wait.inspected(pausedRollout: nil)
        _ = wait.enqueued()
        #expect(wait.announced() == .readWaiters(liveSince: Self.at(-10)))
        #expect(wait.waitersRead([mine]) == .wait(.milliseconds(20)))
        _ = wait.woke()
        #expect(wait.answered(.held(Self.lease()), now: Self.at(2), sentAt: 2, holderDead: false) == .readWaiters(liveSince: Self.at(-8)))
        guard case .refused(let refusal, let dequeue) = wait.waitersRead([mine, newer]) else {
            Issue.record("not superseded")
            return
        }
        #expect(refusal.code == .superseded && refusal.text.contains("release 2.1"))
        #expect(dequeue)
    }

    @Test("a waiter says it is alive every second, no more often")
    func heartbeat() {
        var wait = LeaseWait(Self.settings(), startedAt: Self.t0)
        Self.waiting(&wait)
        _ = wait.woke()
        #expect(wait.answered(.held(Self.lease()), now: Self.at(0.5), sentAt: 2, holderDead: false) == .wait(.milliseconds(20)))
        _ = wait.woke()
        #expect(wait.answered(.held(Self.lease()), now: Self.at(1.0), sentAt: 3, holderDead: false) == .heartbeat(at: Self.at(1.0)))
        #expect(wait.heartbeatSent() == .wait(.milliseconds(20)))
        _ = wait.woke()
        #expect(wait.answered(.held(Self.lease()), now: Self.at(1.5), sentAt: 4, holderDead: false) == .wait(.milliseconds(20)))
        _ = wait.woke()
        #expect(wait.answered(.held(Self.lease()), now: Self.at(2.0), sentAt: 5, holderDead: false) == .heartbeat(at: Self.at(2.0)))
    }

    @Test("interrupted while waiting: refused as interrupted, naming what it waited for, and the queue is left")
    func interrupted() {
        var wait = LeaseWait(Self.settings(), startedAt: Self.t0)
        Self.waiting(&wait)
        guard case .refused(let refusal, let dequeue) = wait.interrupted() else {
            Issue.record("not refused")
            return
        }
        #expect(refusal.code == .interrupted)
        #expect(refusal.text.hasPrefix("interrupted while waiting for the lock: production is locked by host runner-1") && refusal.text.hasSuffix("; nothing was changed"))
        #expect(dequeue)
    }
}
