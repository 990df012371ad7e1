import Foundation
import GantryCore
import GantryTelemetry
import Testing

@Suite("health hysteresis")
struct HealthHysteresisTests {
    @Test("down only after N failures in a row, up again only after M passes in a row")
    func noFlapping() {
        var hysteresis = HealthHysteresis(downAfter: 3, upAfter: 2)
        let polls: [Bool] = [true, false, false, true, false, false, false, true, false, true, true, true]
        let reported = polls.map { hysteresis.observe("r", passed: $0) }
        #expect(reported == [true, true, true, true, true, true, false, false, false, false, true, true])
    }

    @Test("the first poll is reported as it is; keys are independent")
    func firstPoll() {
        var hysteresis = HealthHysteresis(downAfter: 2, upAfter: 2)
        #expect(hysteresis.observe("a", passed: false) == false)
        #expect(hysteresis.observe("b", passed: true) == true)
        #expect(hysteresis.observe("a", passed: true) == false)
        #expect(hysteresis.observe("a", passed: true) == true)
    }

    @Test("a held verdict says why in its message")
    func heldMessage() {
        var hysteresis = HealthHysteresis(downAfter: 2, upAfter: 1)
        let at = Date(timeIntervalSince1970: 0)
        let up = Observation(subject: .runner, name: "primary", healthy: true, durationMilliseconds: 1, message: "HTTP 200", at: at)
        var down = up
        down.healthy = false
        down.message = "connection refused"
        _ = hysteresis.smooth([up])
        let held = hysteresis.smooth([down])
        #expect(held.first?.healthy == true)
        #expect(held.first?.message == "still counted up (1 of 2 failures): connection refused")
        #expect(hysteresis.smooth([down]).first?.healthy == false)
    }
}
