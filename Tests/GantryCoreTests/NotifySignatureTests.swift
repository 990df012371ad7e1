import Foundation
import GantryCore
import GantryTestSupport
import Testing

/// `signature:` on a webhook: the config, the plan the core makes for each scheme (which key,
/// which bytes, which headers, which encoding), where a bad `whsec_` secret is caught, and
/// that the timestamp comes from the deliverer's clock. The HMAC itself is computed by
/// GantryProbes (swift-crypto) and checked against fixed vectors there.
@Suite("webhook signatures")
struct NotifySignatureTests {
    /// The Standard Webhooks spec's own example secret (24 bytes of key).
    static let standardSecret = "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw"
    /// Its key, as `python3 -c 'import base64; print(base64.b64decode("MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw").hex())'` prints it.
    static let standardKeyHex = "31f290f6bf06298aab4f08d43c3f082cf648a362da2da4b0"

    func parse(_ text: String) throws(ConfigError) -> GantryConfig {
        try ConfigParser.parse(text: text, file: "gantry.yml", directory: "/srv/app")
    }

    func issues(_ text: String) -> [ConfigIssue] {
        do {
            _ = try parse(text)
            return []
        } catch {
            return error.issues
        }
    }

    static func hex(_ data: Data) -> String {
        data.map { byte in
            let digits = Array("0123456789abcdef")
            return String([digits[Int(byte >> 4)], digits[Int(byte & 0x0f)]])
        }.joined()
    }

    // MARK: The config

    @Test("signature: parses gantry, standard and github, and a webhook without it signs the gantry way")
    func parsesEachValue() throws {
        let config = try parse("""
            version: 1
            environments:
              production:
                deploy: { command: [./deploy.sh] }
                notify:
                  - webhook: { url: "https://hooks.example/default", secret_env: HOOK_SECRET }
                  - webhook: { url: "https://hooks.example/gantry", secret_env: HOOK_SECRET, signature: gantry }
                  - webhook: { url: "https://hooks.example/standard", secret_env: STANDARD_SECRET, signature: standard }
                  - webhook: { url: "https://hooks.example/github", secret_env: GITHUB_SECRET, signature: github }
                  - webhook: { url: "https://hooks.example/unsigned" }
            """)
        let production = try #require(config.environment("production"))
        #expect(production.notify.map(\.signature) == [.gantry, .gantry, .standard, .github, .gantry])
        #expect(production.notify.map(\.secretEnv) == ["HOOK_SECRET", "HOOK_SECRET", "STANDARD_SECRET", "GITHUB_SECRET", nil])
        #expect(production.maskedVariables.isSuperset(of: ["HOOK_SECRET", "STANDARD_SECRET", "GITHUB_SECRET"]), "every signing secret is masked")
        #expect(WebhookConfig(url: "https://hooks.example/x").signature == .gantry)
    }

    @Test("an unknown signature and a signature without secret_env are errors at the signature key, with line and column")
    func rejectsBadValues() {
        let found = issues("""
            version: 1
            environments:
              production:
                deploy: { command: [./deploy.sh] }
                notify:
                  - webhook:
                      url: "https://hooks.example/a"
                      signature: hmac
                      secret_env: HOOK_SECRET
                  - webhook:
                      url: "https://hooks.example/b"
                      signature: standard
                  - webhook:
                      url: "https://hooks.example/c"
                      signature: github
            """)
        #expect(found.count == 3, "\(found)")
        let unknown = found.first { $0.keyPath == "environments.production.notify[0].webhook.signature" }
        #expect(unknown?.message == "'hmac' is not gantry, standard or github", "\(found)")
        #expect(unknown?.position == SourcePosition(line: 8, column: 22))
        let standard = found.first { $0.keyPath == "environments.production.notify[1].webhook.signature" }
        #expect(standard?.message == "signature: standard needs secret_env", "\(found)")
        #expect(standard?.position == SourcePosition(line: 12, column: 22))
        #expect(standard?.hint?.contains("whsec_") == true)
        let github = found.first { $0.keyPath == "environments.production.notify[2].webhook.signature" }
        #expect(github?.message == "signature: github needs secret_env", "\(found)")
        #expect(github?.description.hasPrefix("gantry.yml:15:22: environments.production.notify[2].webhook.signature: signature: github needs secret_env") == true, "\(github?.description ?? "")")
    }

    @Test("signature at the top level's notify is parsed and checked the same way")
    func topLevel() throws {
        let config = try parse("""
            version: 1
            notify: [ { webhook: { url: "https://hooks.example/all", secret_env: STANDARD_SECRET, signature: standard } } ]
            environments:
              production:
                deploy: { command: [./deploy.sh] }
            """)
        #expect(config.environment("production")?.notify.first?.signature == .standard)
        let found = issues("""
            version: 1
            notify: [ { webhook: { url: "https://hooks.example/all", signature: standard } } ]
            environments:
              production:
                deploy: { command: [./deploy.sh] }
            """)
        #expect(found.map(\.keyPath) == ["notify[0].webhook.signature"], "\(found)")
    }

    // MARK: The plan: key, message, headers, encoding

    @Test("gantry: X-Gantry-Signature, sha256= and lowercase hex of the HMAC of the body alone")
    func gantryPlan() {
        let body = #"{"event":"succeeded"}"#
        let plan = WebhookSigningPlan(scheme: .gantry, key: Data("k3y".utf8), id: "ignored", timestamp: 1_795_000_000, body: body)
        #expect(plan.key == Data("k3y".utf8))
        #expect(plan.message == Data(body.utf8), "only the body is signed")
        #expect(plan.headers(mac: Data([0x00, 0xff, 0x10, 0xab])) == ["X-Gantry-Signature": "sha256=00ff10ab"])
    }

    @Test("github: X-Hub-Signature-256, sha256= and lowercase hex of the HMAC of the body alone")
    func githubPlan() {
        let body = #"{"event":"succeeded"}"#
        let plan = WebhookSigningPlan(scheme: .github, key: Data("k3y".utf8), id: "ignored", timestamp: 1_795_000_000, body: body)
        #expect(plan.message == Data(body.utf8))
        #expect(plan.headers(mac: Data([0x00, 0xff, 0x10, 0xab])) == ["X-Hub-Signature-256": "sha256=00ff10ab"])
    }

    @Test("standard: webhook-id, webhook-timestamp, and webhook-signature v1, with base64 of the HMAC of id.timestamp.body")
    func standardPlan() throws {
        // The spec's example message.
        let body = #"{"test": 2432232314}"#
        let key = try WebhookConfig.Signature.standard.key(fromSecret: Self.standardSecret)
        let plan = WebhookSigningPlan(scheme: .standard, key: key, id: "msg_p5jXN8AQM9LWM0D4loKWxJek", timestamp: 1_614_265_330, body: body)
        #expect(plan.message == Data(#"msg_p5jXN8AQM9LWM0D4loKWxJek.1614265330.{"test": 2432232314}"#.utf8))
        // base64 of 00 ff 10 ab is AP8Qqw== (padded, standard alphabet).
        #expect(plan.headers(mac: Data([0x00, 0xff, 0x10, 0xab])) == [
            "webhook-id": "msg_p5jXN8AQM9LWM0D4loKWxJek",
            "webhook-timestamp": "1614265330",
            "webhook-signature": "v1,AP8Qqw==",
        ])
    }

    @Test("the key: a standard secret is the base64 after whsec_ decoded (padding optional); gantry and github take the secret's bytes as they are")
    func keys() throws {
        let key = try WebhookConfig.Signature.standard.key(fromSecret: Self.standardSecret)
        #expect(Self.hex(key) == Self.standardKeyHex)
        // "hello" is aGVsbG8= in base64; the reference libraries accept it unpadded too.
        #expect(try WebhookConfig.Signature.standard.key(fromSecret: "whsec_aGVsbG8=") == Data("hello".utf8))
        #expect(try WebhookConfig.Signature.standard.key(fromSecret: "whsec_aGVsbG8") == Data("hello".utf8))
        #expect(try WebhookConfig.Signature.gantry.key(fromSecret: Self.standardSecret) == Data(Self.standardSecret.utf8))
        #expect(try WebhookConfig.Signature.github.key(fromSecret: "s3cr3t") == Data("s3cr3t".utf8))
    }

    @Test("a standard secret that is not whsec_ and base64 is refused with a sentence naming the variable, never the value")
    func badStandardSecrets() {
        let standard = WebhookConfig.Signature.standard
        #expect(standard.problem(withSecret: "MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw") == .missingPrefix)
        #expect(standard.problem(withSecret: "whsec_not base64!") == .notBase64)
        #expect(standard.problem(withSecret: "whsec_a") == .notBase64)
        #expect(standard.problem(withSecret: "whsec_") == .emptyKey)
        #expect(standard.problem(withSecret: Self.standardSecret) == nil)
        #expect(WebhookConfig.Signature.gantry.problem(withSecret: "anything at all") == nil)
        for problem in [WebhookSecretProblem.missingPrefix, .notBase64, .emptyKey] {
            let text = problem.describe(variable: "HOOK_SECRET")
            #expect(text.hasPrefix("HOOK_SECRET (secret_env) "), "\(text)")
            #expect(text.contains("whsec_"), "\(text)")
        }
    }

    @Test("a plan never shows its key when printed")
    func planHidesKey() throws {
        let key = try WebhookConfig.Signature.standard.key(fromSecret: Self.standardSecret)
        let plan = WebhookSigningPlan(scheme: .standard, key: key, id: "id", timestamp: 1, body: "{}")
        for text in [String(describing: plan), String(reflecting: plan), "\(plan)"] {
            #expect(!text.contains(Self.standardKeyHex) && !text.contains("MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw") && !text.contains("49, 242"), "\(text)")
        }
    }

    // MARK: Delivery and preflight

    func item(key: String = "20261201-000000.000-aaaaaa/succeeded/0123456789abcdef") -> OutboxItem {
        OutboxItem(
            key: key, idempotencyKey: "20261201-000000.000-aaaaaa/succeeded", environment: "production",
            deploymentID: DeploymentID(rawValue: "20261201-000000.000-aaaaaa"), event: .succeeded, webhook: "0123456789abcdef",
            body: #"{"event":"succeeded"}"#, createdAt: Date(timeIntervalSince1970: 1_795_000_000)
        )
    }

    @Test("standard: webhook-id is the outbox item's key on every retry; webhook-timestamp is the deliverer's clock at each attempt")
    func idAndTimestamp() async throws {
        let hook = WebhookConfig(url: "https://hooks.example/in", secretEnv: "HOOK_SECRET", signature: .standard)
        let transport = ScriptedTransport(statuses: [500, 200])
        let clock = TestClock()
        let deliverer = NotificationDeliverer(store: MemoryStateStore(), transport: transport, clock: clock)
        let environment = ["HOOK_SECRET": Self.standardSecret]
        var outbox = item()
        let first = await deliverer.send(&outbox, to: hook, environment: environment, masker: SecretMasker(values: [Self.standardSecret]))
        #expect(first == "HTTP 500")
        clock.advance(.seconds(17))
        let retry = await deliverer.send(&outbox, to: hook, environment: environment, masker: SecretMasker(values: [Self.standardSecret]))
        #expect(retry == nil)
        let plans = transport.sent.compactMap(\.signing)
        #expect(plans.count == 2)
        #expect(plans.map { $0.covered["webhook-id"] ?? "" } == [outbox.key, outbox.key], "the same id on a retry, so receivers dedupe")
        #expect(plans.map { $0.covered["webhook-timestamp"] ?? "" } == ["1795000000", "1795000017"], "TestClock starts at 1_795_000_000")
        #expect(plans.first?.message == Data("\(outbox.key).1795000000.\(outbox.body)".utf8))
        #expect(plans.first.map { Self.hex($0.key) } == Self.standardKeyHex)
    }

    @Test("a delivery whose standard secret is malformed is not sent; the error names the variable, not the value")
    func malformedAtDelivery() async {
        let hook = WebhookConfig(url: "https://hooks.example/in", secretEnv: "HOOK_SECRET", signature: .standard)
        let transport = ScriptedTransport(statuses: [])
        let deliverer = NotificationDeliverer(store: MemoryStateStore(), transport: transport, clock: TestClock())
        var outbox = item()
        let error = await deliverer.send(&outbox, to: hook, environment: ["HOOK_SECRET": "plain-s3cret-value"], masker: SecretMasker(values: [String]()))
        #expect(error?.contains("HOOK_SECRET") == true, "\(error ?? "")")
        #expect(error?.contains("plain-s3cret-value") == false)
        #expect(transport.sent.isEmpty, "never sent unsigned or signed with the wrong key")
    }

    @Test("preflight: a malformed standard secret fails naming the variable; an unset one warns; a whsec_ one passes; other schemes are not judged")
    func preflightChecks() {
        let hooks = [
            WebhookConfig(url: "https://hooks.example/a", secretEnv: "BAD_SECRET", signature: .standard),
            WebhookConfig(url: "https://hooks.example/b", secretEnv: "BAD_SECRET", signature: .standard),
            WebhookConfig(url: "https://hooks.example/c", secretEnv: "UNSET_SECRET", signature: .standard),
            WebhookConfig(url: "https://hooks.example/d", secretEnv: "GOOD_SECRET", signature: .standard),
            WebhookConfig(url: "https://hooks.example/e", secretEnv: "PLAIN_SECRET", signature: .github),
        ]
        let checks = WebhookSecretCheck.preflight(hooks, processEnvironment: [
            "BAD_SECRET": "whsec_!!not-base64!!", "GOOD_SECRET": Self.standardSecret, "PLAIN_SECRET": "plain",
        ])
        #expect(checks.map(\.variable) == ["BAD_SECRET", "UNSET_SECRET", "GOOD_SECRET"], "one item per variable, standard only")
        #expect(checks.map(\.passed) == [false, true, true])
        #expect(checks.map(\.warning) == [false, true, false])
        #expect(checks[0].message.hasPrefix("BAD_SECRET (secret_env)"), "\(checks[0].message)")
        #expect(!checks.contains { $0.message.contains("not-base64") || $0.message.contains("MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw") })
    }

    @Test("a deploy whose standard webhook secret is malformed is refused at preflight before anything runs, naming the variable")
    func refusedAtPreflight() async throws {
        var environment = EnvironmentConfig(name: "production", targets: ["web-1"], deploy: CommandConfig(argv: ["./deploy.sh", "{release}"]))
        environment.notify = [WebhookConfig(url: "https://hooks.example/in", secretEnv: "HOOK_SECRET", signature: .standard)]
        let request = DeploymentRequest(
            environment: environment, release: try Release("1.0"), force: false, directory: "/srv/app",
            origin: Origin(host: "ci-1", pid: 42, process: FakeProcesses.here), processEnvironment: ["HOOK_SECRET": "no-prefix-s3cret"]
        )
        let store = MemoryStateStore()
        let runner = ScriptedRunner([.success(([], .exited(0)))])
        let summary = try await DeploymentEngine(store: store, runner: runner, prober: ScriptedProber(), processes: FakeProcesses(), clock: TestClock()).run(request)
        #expect(summary.outcome == .refused)
        #expect(summary.reasonCode == .preflightSecretMissing)
        #expect(summary.reason.contains("HOOK_SECRET"), "\(summary.reason)")
        #expect(!summary.reason.contains("no-prefix-s3cret"))
        #expect(runner.invocations.isEmpty, "nothing ran")
        let journal = try await store.journal(summary.id)
        #expect(!journal.contains { ($0.event.message ?? "").contains("no-prefix-s3cret") })
    }
}
