import Foundation
@testable import GantryCore
import Testing

@Suite("lease guard: timing, watch, holder identity")
struct LeaseGuardTests {
    @Test("the guard kills a tenth of the lease before expiry and terms no earlier than two thirds in", arguments: [
        (lease: 60, grace: 10, term: 44.0, kill: 54.0, margin: 6.0),
        (lease: 6, grace: 10, term: 4.0, kill: 5.4, margin: 0.6),
        (lease: 3, grace: 1, term: 2.0, kill: 2.7, margin: 0.3),
        (lease: 600, grace: 1, term: 539.0, kill: 540.0, margin: 60.0),
    ])
    func timing(_ case: (lease: Int, grace: Int, term: Double, kill: Double, margin: Double)) {
        let timing = LeaseGuardTiming(lease: .seconds(`case`.lease), grace: .seconds(`case`.grace))
        #expect(timing.term.seconds == `case`.term)
        #expect(timing.kill.seconds == `case`.kill)
        #expect(timing.margin.seconds == `case`.margin)
        // Renewals come every third of the lease: one lost renewal never reaches the term.
        #expect(timing.term >= .seconds(`case`.lease) * 2 / 3)
        #expect(timing.term <= timing.kill)
        #expect(timing.kill + timing.margin == .seconds(`case`.lease))
    }

    @Test("a watch passes on newer confirmations only, and loss once, to every listener")
    func watch() async {
        let watch = LeaseWatch(sentAt: 100)
        var first = watch.beats().makeAsyncIterator()
        #expect(await first.next() == .renewed(sentAt: 100))
        watch.confirm(sentAt: 90)
        watch.confirm(sentAt: 200)
        #expect(await first.next() == .renewed(sentAt: 200))
        #expect(watch.lastConfirmed == 200)
        var second = watch.beats().makeAsyncIterator()
        #expect(await second.next() == .renewed(sentAt: 200))
        watch.lose()
        watch.confirm(sentAt: 300)
        #expect(await first.next() == .lost)
        #expect(await second.next() == .lost)
        #expect(watch.isLost)
        #expect(watch.lastConfirmed == 200)
    }

    func origin(_ identity: ProcessIdentity?, pid: Int32 = 999) -> Origin {
        Origin(host: "ci-1", pid: pid, process: identity)
    }

    @Test("a holder is provably dead only on this machine, boot and PID namespace, and not running with its start time")
    func liveness() {
        let processes = FakeProcesses()
        processes.dead = [999]
        let here = FakeProcesses.here
        #expect(HolderLiveness.isProvablyDead(origin(here), processes: processes))
        #expect(!HolderLiveness.isProvablyDead(origin(here, pid: 7), processes: processes), "a live pid")
        var container = here
        container.pidNamespace = 4026532000
        #expect(!HolderLiveness.isProvablyDead(origin(container), processes: processes), "same host name, another PID namespace")
        var otherMachine = here
        otherMachine.machine = "machine-2"
        #expect(!HolderLiveness.isProvablyDead(origin(otherMachine), processes: processes))
        #expect(!HolderLiveness.isProvablyDead(origin(nil), processes: processes), "an origin of an older version is never judged")
        var earlierBoot = here
        earlierBoot.boot = "boot-0"
        #expect(!HolderLiveness.isProvablyDead(origin(earlierBoot), processes: processes), "another boot may be a cloned VM: wait for the lease to expire")
        #expect(!HolderLiveness.maySignal(group: 4545, leaderStart: 100, of: origin(earlierBoot), processes: processes), "never signal a group of an earlier boot")
        #expect(!HolderLiveness.maySignal(group: 4545, leaderStart: 100, of: origin(container), processes: processes))
        #expect(HolderLiveness.maySignal(group: 4545, leaderStart: 100, of: origin(here), processes: processes))
    }
}
