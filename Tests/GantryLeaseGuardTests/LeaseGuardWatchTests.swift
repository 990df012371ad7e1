import GantryCore
import GantryLeaseGuard
import Testing

/// The guard's kill decision at every boundary of its timing table, fed heartbeats and clock
/// readings as values: the code the cross-host guarantee rests on, without a process.
@Suite("the lease guard's decision")
struct LeaseGuardWatchTests {
    static let second: UInt64 = 1_000_000_000
    /// A 30 s lease, 5 s grace: margin 3 s, SIGKILL at 27 s, SIGTERM at max(20 s, 22 s) = 22 s.
    static let timing = LeaseGuardTiming(lease: .seconds(30), grace: .seconds(5))
    static let t0: UInt64 = 1_000 * second

    static func nanoseconds(_ duration: Duration) -> UInt64 {
        UInt64(duration.components.seconds) * second + UInt64(duration.components.attoseconds / 1_000_000_000)
    }

    func watch(grace: Duration = .seconds(5), timing: LeaseGuardTiming = Self.timing) -> LeaseGuardWatch {
        LeaseGuardWatch(sentAt: Self.t0, term: Self.nanoseconds(timing.term), kill: Self.nanoseconds(timing.kill), grace: Self.nanoseconds(grace))
    }

    @Test("the timing table: SIGTERM at max(2L/3, L - L/10 - grace), SIGKILL at L - L/10, both before the lease expires at L")
    func table() {
        #expect(Self.timing.term == .seconds(22))
        #expect(Self.timing.kill == .seconds(27))
        #expect(Self.timing.margin == .seconds(3))
        // A grace longer than L/3 - L/10: SIGTERM no earlier than 2L/3.
        let long = LeaseGuardTiming(lease: .seconds(30), grace: .seconds(20))
        #expect(long.term == .seconds(20))
        #expect(long.kill == .seconds(27))
        // A grace of 0: SIGTERM and SIGKILL together, at L - L/10.
        let none = LeaseGuardTiming(lease: .seconds(30), grace: .zero)
        #expect(none.term == .seconds(27))
        for lease in [3, 10, 30, 60, 600] {
            for grace in [0, 1, 5, 30, 120] {
                let timing = LeaseGuardTiming(lease: .seconds(lease), grace: .seconds(grace))
                #expect(timing.term <= timing.kill && timing.kill < .seconds(lease) && timing.term >= .seconds(lease) * 2 / 3)
            }
        }
    }

    @Test("no renewal: nothing until the term deadline, SIGTERM once at it, SIGKILL at the kill deadline and on every look after")
    func noRenewal() {
        var watch = watch()
        let s = Self.second
        #expect(!watch.isTooLate(at: Self.t0 + 22 * s - 1))
        #expect(watch.decide(at: Self.t0 + 22 * s - 1) == nil)
        #expect(watch.nextDeadline == Self.t0 + 22 * s)
        #expect(watch.decide(at: Self.t0 + 22 * s) == .terminate)
        #expect(watch.decide(at: Self.t0 + 22 * s + 1) == nil, "SIGTERM is sent once")
        #expect(watch.nextDeadline == Self.t0 + 27 * s)
        #expect(watch.decide(at: Self.t0 + 27 * s - 1) == nil)
        #expect(watch.decide(at: Self.t0 + 27 * s) == .kill)
        #expect(watch.decide(at: Self.t0 + 30 * s) == .kill, "and again: whatever the group gained since")
    }

    @Test("a confirmed renewal moves both deadlines, counted from its send time, not its arrival")
    func renewal() {
        var watch = watch()
        let s = Self.second
        // Sent at 10 s, confirmed at 21 s (a slow store): the deadlines count from 10 s.
        #expect(watch.decide(at: Self.t0 + 21 * s) == nil)
        watch.renewed(sentAt: Self.t0 + 10 * s)
        #expect(watch.termAt == Self.t0 + 32 * s)
        #expect(watch.killAt == Self.t0 + 37 * s)
        #expect(watch.decide(at: Self.t0 + 32 * s - 1) == nil)
        #expect(watch.decide(at: Self.t0 + 32 * s) == .terminate)
        // An older confirmation (out of order) moves nothing back.
        var other = self.watch()
        other.renewed(sentAt: Self.t0 + 10 * s)
        other.renewed(sentAt: Self.t0 + 5 * s)
        #expect(other.termAt == Self.t0 + 32 * s)
    }

    @Test("a confirmation that arrives after SIGTERM is not a reprieve: the kill deadline stays")
    func lateConfirmation() {
        var watch = watch()
        let s = Self.second
        #expect(watch.decide(at: Self.t0 + 22 * s) == .terminate)
        watch.renewed(sentAt: Self.t0 + 21 * s)
        #expect(watch.killAt == Self.t0 + 27 * s)
        #expect(watch.decide(at: Self.t0 + 27 * s) == .kill)
    }

    @Test("the holder gone (pipe closed, or the lease lost): SIGTERM at once, SIGKILL after the grace, never after the kill deadline")
    func holderGone() {
        let s = Self.second
        var early = watch()
        early.holderGone(at: Self.t0 + 5 * s)
        #expect(early.decide(at: Self.t0 + 5 * s) == .terminate)
        #expect(early.decide(at: Self.t0 + 10 * s - 1) == nil)
        #expect(early.decide(at: Self.t0 + 10 * s) == .kill)
        // Gone at 25 s: the grace would end at 30 s, past the kill deadline of 27 s.
        var late = watch()
        late.holderGone(at: Self.t0 + 25 * s)
        #expect(late.decide(at: Self.t0 + 25 * s) == .terminate)
        #expect(late.killAt == Self.t0 + 27 * s)
        #expect(late.decide(at: Self.t0 + 27 * s) == .kill)
        // A renewal heard after the holder went does not bring it back.
        var gone = watch()
        gone.holderGone(at: Self.t0 + 5 * s)
        gone.renewed(sentAt: Self.t0 + 4 * s)
        #expect(gone.termAt == Self.t0 + 5 * s)
    }

    @Test("a command whose deadline passed before it could start is not started")
    func tooLate() {
        let watch = watch()
        #expect(!watch.isTooLate(at: Self.t0 + 22 * Self.second - 1))
        #expect(watch.isTooLate(at: Self.t0 + 22 * Self.second))
    }
}
