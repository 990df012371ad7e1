import Foundation
import GantryCore
import GantryTestSupport
import Testing

@Suite("check runner")
struct CheckRunnerTests {
    func check(_ name: String, _ probe: ProbeConfig, timeout: Duration = .seconds(1), retries: Int = 0, interval: Duration = .seconds(2), startPeriod: Duration = .zero) -> CheckConfig {
        CheckConfig(name: name, probe: probe, timing: CheckTiming(timeout: timeout, retries: retries, interval: interval, startPeriod: startPeriod))
    }

    let web = ProbeConfig.http(HTTPProbeConfig(url: "http://{host}/health"))
    let fixed = ProbeConfig.http(HTTPProbeConfig(url: "http://127.0.0.1/health"))

    @Test("a check that recovers within its retries passes, sleeping the interval between attempts")
    func retriesThenPass() async {
        let clock = TestClock()
        let prober = ScriptedProber(failing: ["http://127.0.0.1/health": "HTTP 503"], failTimes: 2)
        let results = await CheckRunner(prober: prober, clock: clock).run([check("web", fixed, retries: 3)], targets: [], environment: [:], masker: .none, concurrency: 4, deadline: .seconds(60))
        #expect(results.first?.passed == true)
        #expect(results.first?.attempts == 3)
        #expect(clock.slept == [.seconds(2), .seconds(2)])
    }

    @Test("a check that keeps failing fails after retries + 1 attempts, with the last message")
    func retriesExhausted() async {
        let prober = ScriptedProber(failing: ["http://127.0.0.1/health": "HTTP 503: down"])
        let results = await CheckRunner(prober: prober, clock: TestClock()).run([check("web", fixed, retries: 2)], targets: [], environment: [:], masker: .none, concurrency: 4, deadline: .seconds(60))
        #expect(results.first?.passed == false)
        #expect(results.first?.attempts == 3)
        #expect(results.first?.message == "HTTP 503: down (after 3 attempts)")
    }

    @Test("failures inside the start period do not count against retries")
    func startPeriod() async {
        let prober = ScriptedProber(failing: ["http://127.0.0.1/health": "starting"], failTimes: 5)
        let results = await CheckRunner(prober: prober, clock: TestClock()).run([check("web", fixed, retries: 0, interval: .seconds(2), startPeriod: .seconds(10))], targets: [], environment: [:], masker: .none, concurrency: 1, deadline: .seconds(60))
        #expect(results.first?.passed == true)
        #expect(results.first?.attempts == 6)
    }

    @Test("a probe that never answers fails at its timeout, and not before")
    func perAttemptTimeout() async {
        let prober = ScriptedProber(delay: .seconds(3600))
        let timer = ManualClock()
        let run = Task {
            await CheckRunner(prober: prober, clock: TestClock(), timer: timer).run([check("slow", fixed, timeout: .milliseconds(100))], targets: [], environment: [:], masker: .none, concurrency: 1, deadline: .seconds(60))
        }
        #expect(await timer.untilWaiting(2), "the verification's deadline and the attempt's timeout are set")
        timer.advance(by: .milliseconds(99))
        #expect(timer.waiting == 2, "nothing fired before the timeout")
        timer.advance(by: .milliseconds(1))
        let results = await run.value
        #expect(results.first?.passed == false)
        #expect(results.first?.message == "no answer within 100ms")
        #expect(results.first?.latencyMilliseconds == 100)
    }

    @Test("verification ends at its deadline, naming the checks that did not finish")
    func verificationDeadline() async {
        let prober = ScriptedProber(delay: .seconds(3600))
        let checks = (1...5).map { check("c\($0)", fixed, timeout: .seconds(20)) }
        let timer = ManualClock()
        let run = Task {
            await CheckRunner(prober: prober, clock: TestClock(), timer: timer).run(checks, targets: [], environment: [:], masker: .none, concurrency: 2, deadline: .milliseconds(300))
        }
        #expect(await timer.untilWaiting(3), "the verification's deadline and two attempts' timeouts are set")
        timer.advance(by: .milliseconds(300))
        let results = await run.value
        #expect(results.count == 5)
        #expect(results.allSatisfy { !$0.passed })
        #expect(results.contains { $0.message.contains("deadline") })
    }

    @Test("{host} checks run once per target, in order; without targets they fail clearly")
    func hostExpansion() async {
        let runner = CheckRunner(prober: ScriptedProber(), clock: TestClock())
        let results = await runner.run([check("web", web), check("disk", .disk(DiskProbeConfig(path: "/")))], targets: [TargetHost(name: "a"), TargetHost(name: "b", address: "10.0.0.2")], environment: [:], masker: .none, concurrency: 8, deadline: .seconds(5))
        #expect(results.map(\.label) == ["web (a)", "web (b)", "disk"])
        #expect(results[1].message == "ok http://10.0.0.2/health", "{host} is the target's address")
        #expect(results.allSatisfy { $0.passed })
        let none = await runner.run([check("web", web)], targets: [], environment: [:], masker: .none, concurrency: 8, deadline: .seconds(5))
        #expect(none.first?.message == "uses {host} but the environment lists no targets")
    }

    @Test("a missing ${VAR} fails the check and says which")
    func missingVariable() async {
        var http = HTTPProbeConfig(url: "http://127.0.0.1/")
        http.headers = ["Authorization": "Bearer ${TOKEN_NOT_SET}"]
        let results = await CheckRunner(prober: ScriptedProber(), clock: TestClock()).run([check("api", .http(http))], targets: [], environment: [:], masker: .none, concurrency: 1, deadline: .seconds(5))
        #expect(results.first?.message == "environment variable TOKEN_NOT_SET is not set")
    }

    @Test("no data is judged by on_no_data, and the message says the query returned nothing")
    func noData() async {
        struct EmptyProber: Prober {
            func probe(_ probe: ProbeConfig, timeout: Duration) async -> ProbeVerdict { .noData("the query returned nothing") }
        }
        var config = PrometheusProbeConfig(url: "http://127.0.0.1:9090", query: "up")
        config.min = 1
        let failing = await CheckRunner(prober: EmptyProber(), clock: TestClock()).run([check("p", .prometheus(config))], targets: [], environment: [:], masker: .none, concurrency: 1, deadline: .seconds(5))
        #expect(failing.first?.passed == false)
        #expect(failing.first?.outcome == .noData)
        #expect(failing.first?.message == "the query returned nothing; on_no_data: fail")
        config.onNoData = .pass
        let passing = await CheckRunner(prober: EmptyProber(), clock: TestClock()).run([check("p", .prometheus(config))], targets: [], environment: [:], masker: .none, concurrency: 1, deadline: .seconds(5))
        #expect(passing.first?.passed == true)
        #expect(passing.first?.message == "the query returned nothing; on_no_data: pass")
    }

    @Test("no more probes run at once than the bound")
    func concurrencyBound() async {
        actor Gauge {
            var current = 0, peak = 0
            func enter() { current += 1; peak = max(peak, current) }
            func leave() { current -= 1 }
        }
        struct GaugedProber: Prober {
            let gauge: Gauge
            func probe(_ probe: ProbeConfig, timeout: Duration) async -> ProbeVerdict {
                await gauge.enter()
                try? await Task.sleep(for: .milliseconds(20))
                await gauge.leave()
                return .pass("ok")
            }
        }
        let gauge = Gauge()
        let checks = (1...8).map { check("c\($0)", fixed) }
        // A timer that never moves: a slow machine cannot end the verification early.
        let results = await CheckRunner(prober: GaugedProber(gauge: gauge), clock: TestClock(), timer: ManualClock()).run(checks, targets: [], environment: [:], masker: .none, concurrency: 3, deadline: .seconds(5))
        #expect(results.allSatisfy { $0.passed })
        #expect(await gauge.peak <= 3)
        #expect(await gauge.peak >= 2)
    }

    @Test("secret values in probe messages are masked")
    func masking() async {
        struct LeakyProber: Prober {
            func probe(_ probe: ProbeConfig, timeout: Duration) async -> ProbeVerdict { .fail("auth failed for password pw123") }
        }
        let results = await CheckRunner(prober: LeakyProber(), clock: TestClock()).run([check("db", fixed)], targets: [], environment: [:], masker: SecretMasker(values: ["pw123"]), concurrency: 1, deadline: .seconds(5))
        #expect(results.first?.message == "auth failed for password ***")
    }
}
