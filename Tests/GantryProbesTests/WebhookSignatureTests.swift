import Foundation
import GantryCore
import GantryExec
import GantryProbes
import GantryTestSupport
import Testing

/// Real deliveries, through the deliverer and the live transport (swift-crypto's HMAC), to a
/// loopback peer that keeps the request: each scheme's headers must carry the HMAC a
/// receiver computes. The expected values were computed beforehand with Python's own
/// `hmac`/`hashlib`/`base64`, not with the code under test:
///
///     import hmac, hashlib, base64
///     body = b'{"event":"succeeded","release":"1.0"}'
///     hmac.new(b"w3bh00k-s3cret", body, hashlib.sha256).hexdigest()
///     # bba27c5a0b71bf3d0c698b9ec9637c7f63ce62c1005b14bb6e002ac89d2c77f0
///     key = base64.b64decode("MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw")
///     base64.b64encode(hmac.new(key, b"20261201-000000.000-aaaaaa/succeeded/0123456789abcdef.1795000000." + body, hashlib.sha256).digest())
///     # 16fHi0Lik0A0ohwT68J/LGlKQHHKZbLlvtT7rXLg9Dg=
///
/// and the Standard Webhooks spec's own example (its secret, `msg_p5jXN8AQM9LWM0D4loKWxJek`,
/// 1614265330, `{"test": 2432232314}`) signs to `g0hM9SsE+OTPJTGt/tmIKtSyZlE3uFJELVlNIOLJ1OE=`,
/// which the same Python reproduces.
@Suite("webhook signatures on the wire")
struct WebhookSignatureWireTests {
    static let body = #"{"event":"succeeded","release":"1.0"}"#
    static let plainSecret = "w3bh00k-s3cret"
    static let standardSecret = "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw"
    static let itemKey = "20261201-000000.000-aaaaaa/succeeded/0123456789abcdef"
    static let answer = "HTTP/1.1 200 OK\r\nContent-Length: 0\r\nConnection: close\r\n\r\n"

    /// The header fields of a request as the peer received it, by lowercased name.
    static func headers(of request: String) -> [String: String] {
        var headers: [String: String] = [:]
        let head = request.components(separatedBy: "\r\n\r\n").first ?? ""
        for line in head.components(separatedBy: "\r\n").dropFirst() {
            guard let colon = line.firstIndex(of: ":") else { continue }
            headers[line[..<colon].lowercased()] = line[line.index(after: colon)...].trimmingCharacters(in: .whitespaces)
        }
        return headers
    }

    /// One attempt of the outbox item for a webhook signed with `signature`, at the
    /// ManualClock's fixed time (1_795_000_000 s since the epoch); the request as received.
    func deliver(_ signature: WebhookConfig.Signature, secret: String) async throws -> String {
        let peer = try LoopbackListener()
        let server = Task { await peer.serveOnce(Self.answer) }
        let hook = WebhookConfig(url: "http://127.0.0.1:\(peer.port)/hook", secretEnv: "HOOK_SECRET", signature: signature)
        var item = OutboxItem(
            key: Self.itemKey, idempotencyKey: "20261201-000000.000-aaaaaa/succeeded", environment: "production",
            deploymentID: DeploymentID(rawValue: "20261201-000000.000-aaaaaa"), event: .succeeded, webhook: hook.id,
            body: Self.body, createdAt: Date(timeIntervalSince1970: 1_795_000_000)
        )
        // The answer is not judged: the peer reads the request's head only and closes, which
        // the client may see as a reset. What was sent is what these tests are about.
        _ = await LiveProber.with(commandRunner: SubprocessCommandRunner(), processes: LocalProcessControl(), directory: "/") { prober in
            await NotificationDeliverer(store: MemoryStateStore(), transport: prober, clock: ManualClock())
                .send(&item, to: hook, environment: ["HOOK_SECRET": secret], masker: SecretMasker(values: [secret]))
        }
        return await server.value
    }

    @Test("signature: gantry sends X-Gantry-Signature: sha256= and the lowercase hex HMAC-SHA256 of the body, as before")
    func gantry() async throws {
        let received = try await deliver(.gantry, secret: Self.plainSecret)
        let headers = Self.headers(of: received)
        #expect(headers["x-gantry-signature"] == "sha256=bba27c5a0b71bf3d0c698b9ec9637c7f63ce62c1005b14bb6e002ac89d2c77f0", "\(received)")
        #expect(headers["x-hub-signature-256"] == nil && headers["webhook-signature"] == nil)
        #expect(headers["x-gantry-delivery"] == Self.itemKey)
        #expect(!received.contains(Self.plainSecret))
    }

    @Test("signature: github sends X-Hub-Signature-256: sha256= and the lowercase hex HMAC-SHA256 of the body, keyed by the secret as it is")
    func github() async throws {
        let received = try await deliver(.github, secret: Self.plainSecret)
        let headers = Self.headers(of: received)
        #expect(headers["x-hub-signature-256"] == "sha256=bba27c5a0b71bf3d0c698b9ec9637c7f63ce62c1005b14bb6e002ac89d2c77f0", "\(received)")
        #expect(headers["x-gantry-signature"] == nil, "one signature header, the one the receiver knows")
        #expect(!received.contains(Self.plainSecret))
    }

    @Test("signature: standard sends webhook-id (the item's key), webhook-timestamp (the clock's) and v1, with the base64 HMAC-SHA256 of id.timestamp.body under the whsec_ key")
    func standard() async throws {
        let received = try await deliver(.standard, secret: Self.standardSecret)
        let headers = Self.headers(of: received)
        #expect(headers["webhook-id"] == Self.itemKey, "\(received)")
        #expect(headers["webhook-timestamp"] == "1795000000")
        #expect(headers["webhook-signature"] == "v1,16fHi0Lik0A0ohwT68J/LGlKQHHKZbLlvtT7rXLg9Dg=", "\(received)")
        #expect(headers["x-gantry-signature"] == nil)
        #expect(!received.contains("MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw"))
    }

    @Test("the transport signs the Standard Webhooks spec's own example to the spec's signature")
    func specVector() async throws {
        let peer = try LoopbackListener()
        let server = Task { await peer.serveOnce(Self.answer) }
        let key = try WebhookConfig.Signature.standard.key(fromSecret: Self.standardSecret)
        let body = #"{"test": 2432232314}"#
        let plan = WebhookSigningPlan(scheme: .standard, key: key, id: "msg_p5jXN8AQM9LWM0D4loKWxJek", timestamp: 1_614_265_330, body: body)
        _ = await LiveProber.with(commandRunner: SubprocessCommandRunner(), processes: LocalProcessControl(), directory: "/") { prober in
            await prober.post(url: "http://127.0.0.1:\(peer.port)/hook", body: body, headers: ["Content-Type": "application/json"], signing: plan, timeout: .seconds(5))
        }
        let headers = Self.headers(of: await server.value)
        #expect(headers["webhook-id"] == "msg_p5jXN8AQM9LWM0D4loKWxJek")
        #expect(headers["webhook-timestamp"] == "1614265330")
        #expect(headers["webhook-signature"] == "v1,g0hM9SsE+OTPJTGt/tmIKtSyZlE3uFJELVlNIOLJ1OE=")
    }
}
