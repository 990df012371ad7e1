import Foundation
import GantryCore
import Testing

@Suite("freeze windows and protection")
struct ProtectionTests {
    /// 2026-11-27 is a Friday.
    func date(_ text: String, _ zone: String = "Europe/Berlin") -> Date {
        let formatter = DateFormatter()
        formatter.locale = Locale(identifier: "en_US_POSIX")
        formatter.timeZone = TimeZone(identifier: zone)
        formatter.dateFormat = "yyyy-MM-dd HH:mm"
        return formatter.date(from: text)!
    }

    func window(_ text: String) throws -> FreezeWindow {
        try FreezeWindow.parse(text).get()
    }

    @Test("a weekly window across the weekend, in its own time zone")
    func weekly() throws {
        let weekend = try window("Fri 16:00-Mon 08:00 Europe/Berlin")
        #expect(!weekend.contains(date("2026-11-27 15:59")))
        #expect(weekend.contains(date("2026-11-27 16:00")))
        #expect(weekend.contains(date("2026-11-29 12:00")))
        #expect(weekend.contains(date("2026-11-30 07:59")))
        #expect(!weekend.contains(date("2026-11-30 08:00")))
        // 15:30 UTC on Friday is 16:30 in Berlin: inside.
        #expect(weekend.contains(date("2026-11-27 15:30", "UTC")))
    }

    @Test("a daily window across midnight")
    func daily() throws {
        let night = try window("22:00-06:00 UTC")
        #expect(night.contains(date("2026-11-25 23:00", "UTC")))
        #expect(night.contains(date("2026-11-26 05:59", "UTC")))
        #expect(!night.contains(date("2026-11-26 12:00", "UTC")))
    }

    @Test("bad windows are explained", arguments: ["Fri 16:00-Mon 08:00", "Fri 16:00-Mon 08:00 Mars/Olympus", "Fri 16:00-08:00 UTC", "Frx 16:00-Mon 08:00 UTC", "10:00-10:00 UTC", "25:00-06:00 UTC"])
    func badWindows(text: String) {
        #expect(throws: FreezeWindow.ParseError.self) { try FreezeWindow.parse(text).get() }
    }

    func record(_ n: Int, _ outcome: Outcome, at offset: Double = 0) -> DeploymentRecord {
        DeploymentRecord(id: DeploymentID(rawValue: "20261129-000000.000-00000\(n)"), environment: "p", release: "r\(n)", outcome: outcome, startedAt: Date(timeIntervalSince1970: 1000 + offset), origin: Origin(host: "h", pid: 1))
    }

    @Test("a freeze, a window, and the circuit breaker each refuse, with reasons")
    func refusals() throws {
        let now = date("2026-11-28 12:00")
        let frozen = EnvironmentState(name: "p", freeze: .init(reason: "incident 42", by: "alice", at: now))
        #expect(Protection.refusal(state: frozen, recent: [], windows: [], circuitBreaker: nil, now: now)?.contains("frozen by alice") == true)
        let open = EnvironmentState(name: "p")
        #expect(Protection.refusal(state: open, recent: [], windows: [try window("Fri 16:00-Mon 08:00 Europe/Berlin")], circuitBreaker: nil, now: now)?.contains("freeze window") == true)
        #expect(Protection.refusal(state: open, recent: [], windows: [], circuitBreaker: 3, now: now) == nil)
        let failures = [record(5, .failed, at: 5), record(4, .skipped, at: 4), record(3, .rolledBack, at: 3), record(2, .failed, at: 2), record(1, .succeeded, at: 1)]
        #expect(Protection.refusal(state: open, recent: failures, windows: [], circuitBreaker: 3, now: now)?.contains("circuit breaker") == true)
        #expect(Protection.refusal(state: open, recent: failures, windows: [], circuitBreaker: 4, now: now) == nil)
        let reset = EnvironmentState(name: "p", breakerResetAt: Date(timeIntervalSince1970: 1002.5))
        #expect(Protection.refusal(state: reset, recent: failures, windows: [], circuitBreaker: 3, now: now) == nil)
    }
}

@Suite("the incident gate")
struct AlertGateUnitTests {
    let gate = AlertGateConfig(url: "http://am:9093/", matchers: ["severity=\"critical\"", "env=~\"prod|stage+\""])

    @Test("matchers in Alertmanager's syntax; the query asks for active, unsilenced, uninhibited alerts matching all")
    func query() {
        for good in ["severity=\"critical\"", "env!=\"dev\"", "job=~\"api.*\"", "team!~\"x\\\"y\""] { #expect(AlertGateConfig.isMatcher(good), "\(good)") }
        for bad in ["severity=critical", "=\"x\"", "a b=\"c\"", "severity==\"critical\""] { #expect(!AlertGateConfig.isMatcher(bad), "\(bad)") }
        let query = gate.query(baseURL: gate.url)
        #expect(query == "http://am:9093/api/v2/alerts?active=true&silenced=false&inhibited=false&filter=severity%3D%22critical%22&filter=env%3D~%22prod%7Cstage%2B%22")
    }

    @Test("the API's answer: active alerts counted and named; a body of another shape is no answer")
    func answers() throws {
        let body = Data(#"[{"labels":{"alertname":"HighErrorRate","env":"production"},"annotations":{"summary":"5xx"},"status":{"state":"active"},"startsAt":"2026-12-01T10:00:00.000Z"},{"labels":{"alertname":"Old"},"status":{"state":"suppressed"}}]"#.utf8)
        let alerts = try ActiveAlert.parse(body)
        #expect(alerts.map(\.name) == ["HighErrorRate"])
        #expect(alerts.first?.startsAt != nil)
        #expect(throws: AlertAnswerError.self) { try ActiveAlert.parse(Data("{\"error\":1}".utf8)) }
        let refusal = try #require(gate.judge(.alerts(alerts), environment: "production").refusal)
        #expect(refusal.code == .activeAlerts && refusal.text.contains("HighErrorRate (5xx)"))
        #expect(gate.judge(.alerts([]), environment: "production").refusal == nil)
        #expect(gate.judge(.unreachable("refused"), environment: "production").refusal?.code == .alertGateUnreachable)
        var allow = gate
        allow.onUnreachable = .allow
        let verdict = allow.judge(.unreachable("refused"), environment: "production")
        #expect(verdict.refusal == nil && verdict.note?.contains("on_unreachable: allow") == true)
    }
}
