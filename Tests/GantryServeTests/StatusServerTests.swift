import Foundation
import GantryCore
import GantryServe
import GantryTelemetry
import Hummingbird
import HummingbirdTesting
import Testing

@Suite("gantry serve routes")
struct StatusServerTests {
    let t0 = Date(timeIntervalSince1970: 1_795_000_000)

    func board() -> StatusBoard {
        let origin = Origin(host: "ci-1", pid: 7, runner: "primary", actor: "alice")
        var failed = DeploymentRecord(
            id: DeploymentID(rawValue: "20261129-000000.000-000002"), environment: "production", release: "1.3.0", outcome: .failed,
            reason: "deploy command exited 2: token *** rejected", startedAt: t0, finishedAt: t0.addingTimeInterval(40), origin: origin
        )
        failed.breakGlass = "promotion gate skipped by alice: hotfix <now>"
        let production = MonitoringState.Environment(
            name: "production", state: EnvironmentState(name: "production", current: "1.2.0", lastGood: "1.2.0"), lease: nil, waiters: [],
            checks: ["web"], recent: [failed]
        )
        let state = MonitoringState(
            now: t0.addingTimeInterval(60), environments: [production], runners: ["primary"], deployments: [failed],
            observations: [Observation(subject: .check, environment: "production", name: "web", healthy: false, durationMilliseconds: 80, message: "HTTP 503 <b>down</b>", at: t0)]
        )
        return StatusBoard(initial: state, version: "9.9.9", downAfter: 2, upAfter: 2, refreshSeconds: 15)
    }

    func app(token: String? = nil) -> some ApplicationProtocol {
        Application(router: StatusServer.router(board: board(), token: token))
    }

    @Test("metrics, status JSON and the page show the stored state")
    func routes() async throws {
        try await app().test(.router) { client in
            try await client.execute(uri: "/healthz", method: .get) { response in
                #expect(response.status == .ok)
                #expect(String(buffer: response.body) == "ok\n")
            }
            try await client.execute(uri: "/metrics", method: .get) { response in
                #expect(response.headers[.contentType]?.hasPrefix("text/plain; version=0.0.4") == true)
                let text = String(buffer: response.body)
                #expect(text.contains(#"gantry_deployments_total{environment="production",outcome="failed"} 1"#))
                #expect(text.contains(#"gantry_release_info{environment="production",release="1.2.0"} 1"#))
                #expect(text.contains(#"gantry_break_glass_total{environment="production"} 1"#))
            }
            try await client.execute(uri: "/api/v1/status", method: .get) { response in
                let json = try #require(try JSONSerialization.jsonObject(with: Data(String(buffer: response.body).utf8)) as? [String: Any])
                let environment = try #require((json["environments"] as? [[String: Any]])?.first)
                #expect(environment["current"] as? String == "1.2.0")
                #expect((environment["deployments"] as? [[String: Any]])?.first?["outcome"] as? String == "failed")
                #expect(((environment["deployments"] as? [[String: Any]])?.first?["break_glass"] as? String)?.hasPrefix("promotion gate skipped") == true)
                #expect((environment["checks"] as? [[String: Any]])?.first?["healthy"] as? Bool == false)
            }
            try await client.execute(uri: "/", method: .get) { response in
                let page = String(buffer: response.body)
                #expect(response.headers[.contentType] == "text/html; charset=utf-8")
                #expect(page.contains("<meta http-equiv=\"refresh\" content=\"15\">"))
                #expect(page.contains("production: the last deployment failed and was not restored"))
                #expect(page.contains("HTTP 503 &lt;b&gt;down&lt;/b&gt;"), "values are HTML-escaped")
                #expect(page.contains(#"<strong class="bad" title="promotion gate skipped by alice: hotfix &lt;now&gt;">break glass</strong>"#), "a break glass is marked")
                #expect(!page.contains("<link") && !page.contains("<script"), "no external assets")
            }
        }
    }

    @Test("with a token, every route but /healthz needs it")
    func token() async throws {
        try await app(token: "s3cret-token").test(.router) { client in
            try await client.execute(uri: "/healthz", method: .get) { #expect($0.status == .ok) }
            for uri in ["/metrics", "/api/v1/status", "/"] {
                try await client.execute(uri: uri, method: .get) { #expect($0.status == .unauthorized) }
                try await client.execute(uri: uri, method: .get, headers: [.authorization: "Bearer wrong-token!"]) { #expect($0.status == .unauthorized) }
                try await client.execute(uri: uri, method: .get, headers: [.authorization: "Bearer s3cret-token"]) { response in
                    #expect(response.status == .ok)
                    #expect(!String(buffer: response.body).contains("s3cret-token"))
                }
            }
        }
    }

    @Test("polled verdicts flip only after the configured number of polls in a row")
    func hysteresis() async throws {
        let board = board()
        let up = Observation(subject: .runner, name: "primary", healthy: true, durationMilliseconds: 5, message: "http: HTTP 200", at: t0)
        var down = up
        down.healthy = false
        down.message = "http: connection refused"
        await board.observe([up])
        down.at = t0.addingTimeInterval(1)
        await board.observe([down])
        #expect(String(decoding: await board.metrics, as: UTF8.self).contains(#"gantry_runner_up{runner="primary"} 1"#))
        down.at = t0.addingTimeInterval(2)
        await board.observe([down])
        #expect(String(decoding: await board.metrics, as: UTF8.self).contains(#"gantry_runner_up{runner="primary"} 0"#))
    }
}
