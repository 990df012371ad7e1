import Foundation
import GantryCore
import GantryTestSupport
import Testing

@Suite("notifications")
struct NotificationTests {
    let origin = Origin(host: "ci-1", pid: 42, actor: "alice", runURL: "https://github.com/acme/app/actions/runs/7", process: FakeProcesses.here)

    @Test("a deployment enqueues started and its outcome for the webhooks that listen; the payload carries what the issue asks")
    func enqueued() async throws {
        let store = MemoryStateStore()
        var environment = EnvironmentConfig(name: "production", targets: ["web-1"], deploy: CommandConfig(argv: ["./deploy.sh"]))
        environment.notify = [
            WebhookConfig(url: "${SLACK_WEBHOOK}", events: [.succeeded, .failed], format: .slack),
            WebhookConfig(url: "https://hooks.example/gantry"),
        ]
        let request = DeploymentRequest(environment: environment, release: try Release("1.0"), force: false, directory: "/srv/app", origin: origin, processEnvironment: ["SLACK_WEBHOOK": "https://hooks.slack.com/T0/B0/s3cr3t"])
        let summary = try await DeploymentEngine(store: store, runner: ScriptedRunner([.success(([], .exited(0)))]), prober: ScriptedProber(), processes: FakeProcesses(), clock: TestClock()).run(request)
        let items = try await store.notifications(of: summary.id)
        #expect(items.map(\.event) == [.started, .succeeded, .succeeded])
        #expect(Set(items.map(\.idempotencyKey)) == ["\(summary.id.rawValue)/started", "\(summary.id.rawValue)/succeeded"])
        let json = try #require(items.first { $0.webhook == environment.notify[1].id && $0.event == .succeeded })
        let payload = try #require(try JSONSerialization.jsonObject(with: Data(json.body.utf8)) as? [String: Any])
        #expect(payload["id"] as? String == "\(summary.id.rawValue)/succeeded")
        #expect(payload["environment"] as? String == "production")
        #expect(payload["release"] as? String == "1.0")
        #expect(payload["outcome"] as? String == "succeeded")
        #expect(payload["actor"] as? String == "alice")
        #expect(payload["run_url"] as? String == "https://github.com/acme/app/actions/runs/7")
        let slack = try #require(items.first { $0.webhook == environment.notify[0].id })
        #expect(slack.body.contains("\"text\""))
        #expect(slack.body.contains("production: 1.0 succeeded"))
        #expect(!items.contains { $0.body.contains("s3cr3t") })
    }

    @Test("delivery: a 500 is retried with backoff and the idempotency key, a later event waits behind it, a 2xx settles it once")
    func delivery() async throws {
        let store = MemoryStateStore()
        let hook = WebhookConfig(url: "https://hooks.example/${HOOK_PATH}", secretEnv: "HOOK_SECRET")
        let deployment = DeploymentRecord(id: DeploymentID(rawValue: "20261201-000000.000-aaaaaa"), environment: "production", release: "2.0", startedAt: Date(timeIntervalSince1970: 1_795_000_000), origin: origin)
        for event in [NotificationEvent.started, .succeeded] {
            let payload = NotificationPayload(event: event, record: deployment, outcome: event == .started ? nil : .succeeded, reason: nil, code: nil, batch: nil, at: deployment.startedAt)
            try await store.enqueueNotifications(payload.outboxItems(for: [hook]))
        }
        let transport = ScriptedTransport(statuses: [500, 200, 200])
        let clock = TestClock()
        let deliverer = NotificationDeliverer(store: store, transport: transport, clock: clock)
        let environment = ["HOOK_PATH": "in", "HOOK_SECRET": "k3y"]
        let first = await deliverer.deliverDue(webhooks: [hook], environment: environment, masker: SecretMasker(values: ["k3y"]), budget: .seconds(1))
        #expect(first == { var r = NotificationDeliverer.Report(); r.failed = 1; return r }())
        #expect(transport.sent.map(\.idempotencyKey) == ["20261201-000000.000-aaaaaa/started"], "succeeded waits behind the failed started")
        #expect(transport.sent.first?.url == "https://hooks.example/in")
        #expect(transport.sent.first?.signing?.key == Data("k3y".utf8))
        #expect(transport.sent.first?.signing?.header == "X-Gantry-Signature", "signature: gantry is the default")
        clock.advance(.seconds(6))
        let second = await deliverer.deliverDue(webhooks: [hook], environment: environment, masker: SecretMasker(values: ["k3y"]), budget: .seconds(1))
        #expect(second.delivered == 2)
        #expect(transport.sent.map(\.idempotencyKey) == ["20261201-000000.000-aaaaaa/started", "20261201-000000.000-aaaaaa/started", "20261201-000000.000-aaaaaa/succeeded"])
        let settled = try await store.notifications(of: deployment.id)
        #expect(settled.allSatisfy { $0.deliveredAt != nil })
        #expect(settled.first?.attempts == 2)
        clock.advance(.seconds(60))
        let third = await deliverer.deliverDue(webhooks: [hook], environment: environment, masker: SecretMasker(values: ["k3y"]), budget: .seconds(1))
        #expect(third.delivered == 0 && transport.sent.count == 3, "a delivered item is never sent again")
        // A webhook whose secret is missing is not sent unsigned.
        var again = settled[0]
        let unsigned = await NotificationDeliverer(store: store, transport: transport, clock: clock).send(&again, to: hook, environment: ["HOOK_PATH": "in"], masker: SecretMasker(values: [String]()))
        #expect(unsigned?.contains("HOOK_SECRET") == true)
        #expect(DeliveryBackoff.delay(afterAttempt: 1) == .seconds(5))
        #expect(DeliveryBackoff.delay(afterAttempt: 3) == .seconds(20))
        #expect(DeliveryBackoff.delay(afterAttempt: 30) == .seconds(3600))
    }

    @Test("notify: parses at the top level and per environment; bad events and formats are named")
    func parsing() throws {
        let config = try ConfigParser.parse(text: """
            version: 1
            notify: [ { webhook: { url: "${SLACK_WEBHOOK}", on: [failed, rolled_back], format: slack } } ]
            environments:
              production:
                deploy: { command: [./deploy.sh] }
                notify: [ { webhook: { url: "https://hooks.example/x", secret_env: WEBHOOK_SECRET } } ]
            """, file: "gantry.yml", directory: "/srv/app")
        let production = try #require(config.environment("production"))
        #expect(production.notify.map(\.format) == [.slack, .json])
        #expect(production.notify[0].events == [.failed, .rolledBack])
        #expect(production.notify[1].events == NotificationEvent.defaults)
        #expect(production.maskedVariables.isSuperset(of: ["SLACK_WEBHOOK", "WEBHOOK_SECRET"]))
        do {
            _ = try ConfigParser.parse(text: """
                version: 1
                environments:
                  production:
                    deploy: { command: [./deploy.sh] }
                    notify: [ { webhook: { url: "ftp://x", on: [deployed], format: xml, secret_env: "not a name" } } ]
                """, file: "gantry.yml", directory: "/srv/app")
            Issue.record("a bad notify block was accepted")
        } catch {
            let paths = error.issues.map(\.keyPath)
            #expect(paths.contains("environments.production.notify[0].webhook.url"), "\(paths)")
            #expect(paths.contains("environments.production.notify[0].webhook.on[0]"), "\(paths)")
            #expect(paths.contains("environments.production.notify[0].webhook.format"), "\(paths)")
            #expect(paths.contains("environments.production.notify[0].webhook.secret_env"), "\(paths)")
        }
    }
}

/// Answers webhook posts with scripted statuses (then 200), keeping what was sent.
final class ScriptedTransport: WebhookTransport, @unchecked Sendable {
    struct Sent {
        var url: String
        var idempotencyKey: String
        var signing: WebhookSigningPlan?
    }

    private let lock = NSLock()
    private var statuses: [Int]
    private var log: [Sent] = []
    var sent: [Sent] { lock.withLock { log } }

    init(statuses: [Int]) {
        self.statuses = statuses
    }

    func post(url: String, body: String, headers: [String: String], signing: WebhookSigningPlan?, timeout: Duration) async -> Result<WebhookResponse, QueryFailure> {
        lock.withLock {
            log.append(Sent(url: url, idempotencyKey: headers["Idempotency-Key"] ?? "", signing: signing))
            return .success(WebhookResponse(status: statuses.isEmpty ? 200 : statuses.removeFirst()))
        }
    }
}
