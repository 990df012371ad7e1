import Foundation
import Testing
#if canImport(Glibc)
import Glibc
#endif

/// A webhook receiver that answers 500 to the first delivery of every event (by
/// `Idempotency-Key` and path), then 200; it checks each accepted delivery's HMAC signature
/// and writes what it accepted to a file.
final class FlakyWebhook: Sendable {
    let server: PythonServer
    let log: String

    static let script = """
        import json, hmac, hashlib, threading
        secret, out = sys.argv[2].encode(), sys.argv[3]
        lock, seen, accepted = threading.Lock(), {}, []
        class H(http.server.BaseHTTPRequestHandler):
            def log_message(self, *args): pass
            def do_POST(self):
                body = self.rfile.read(int(self.headers.get("Content-Length", 0)))
                key = self.path + " " + self.headers.get("Idempotency-Key", "")
                with lock:
                    attempt = seen.get(key, 0) + 1
                    seen[key] = attempt
                    if attempt > 1:
                        signature = self.headers.get("X-Gantry-Signature", "")
                        valid = signature == "sha256=" + hmac.new(secret, body, hashlib.sha256).hexdigest()
                        accepted.append({"path": self.path, "key": self.headers.get("Idempotency-Key", ""), "signed": bool(signature), "valid": valid, "attempt": attempt, "body": json.loads(body)})
                        with open(out + ".tmp", "w") as f: json.dump(accepted, f)
                        os.rename(out + ".tmp", out)
                self.send_response(500 if attempt == 1 else 200)
                self.send_header("Content-Length", "0")
                self.end_headers()
        serve(H)
        """

    init(secret: String, directory: URL) throws {
        log = directory.appendingPathComponent("webhook.json").path
        server = try PythonServer(script: Self.script, arguments: [secret, log])
    }

    var accepted: [[String: Any]] {
        guard let data = FileManager.default.contents(atPath: log) else { return [] }
        return (try? JSONSerialization.jsonObject(with: data)) as? [[String: Any]] ?? []
    }

    deinit { server.stop() }
}

@Suite("notifications: webhooks through the outbox", .serialized)
struct NotifyTests {
    @Test("a webhook that answers 500 first still gets every event exactly once, signed, in order; the deploy is not held up")
    func exactlyOnce() throws {
        let project = try Project(config: "version: 1\n")
        let webhook = try FlakyWebhook(secret: "w3bh00k-s3cret", directory: project.directory)
        try project.write("gantry.yml", """
            version: 1
            serve: { store_interval: 300ms }
            notify: [ { webhook: { url: "${SLACK_WEBHOOK}", on: [succeeded, failed], format: slack } } ]
            environments:
              production:
                deploy: { command: [/bin/sh, -c, 'echo "$0" > live.txt', "{release}"] }
                notify: [ { webhook: { url: "http://127.0.0.1:\(webhook.server.port)/json", secret_env: WEBHOOK_SECRET } } ]
            """)
        let environment = ["WEBHOOK_SECRET": "w3bh00k-s3cret", "SLACK_WEBHOOK": "http://127.0.0.1:\(webhook.server.port)/slack"]
        let started = Date()
        let deployed = try project.gantry("deploy", "production", "--release", "1.0", environment: environment)
        #expect(deployed.status == 0, "\(deployed.output)")
        #expect(Date().timeIntervalSince(started) < 10, "the failing webhook held the deploy up")
        #expect(!deployed.output.contains("w3bh00k-s3cret"))
        // gantry serve retries what the deploy could not deliver.
        let serve = try ServeProcess(project: project, environment: environment)
        defer { kill(serve.running.process.processIdentifier, SIGKILL) }
        let deadline = Date().addingTimeInterval(40)
        while webhook.accepted.count < 3, Date() < deadline { Thread.sleep(forTimeInterval: 0.2) }
        Thread.sleep(forTimeInterval: 1.5)
        let accepted = webhook.accepted
        let id = try #require((try project.json("history", "production", environment: environment)["deployments"] as? [[String: Any]])?.first?["id"] as? String)
        let json = accepted.filter { $0["path"] as? String == "/json" }
        #expect(json.map { $0["key"] as? String } == ["\(id)/started", "\(id)/succeeded"], "\(accepted)")
        #expect(json.allSatisfy { $0["valid"] as? Bool == true }, "a signature did not verify: \(json)")
        #expect(json.allSatisfy { $0["attempt"] as? Int == 2 }, "an event was delivered more than once after it was accepted")
        let body = try #require(json.last?["body"] as? [String: Any])
        #expect(body["outcome"] as? String == "succeeded")
        #expect(body["release"] as? String == "1.0")
        #expect(body["environment"] as? String == "production")
        let slack = accepted.filter { $0["path"] as? String == "/slack" }
        #expect(slack.map { $0["key"] as? String } == ["\(id)/succeeded"])
        #expect(slack.first?["signed"] as? Bool == false)
        #expect(((slack.first?["body"] as? [String: Any])?["text"] as? String)?.hasPrefix("production: 1.0 succeeded") == true, "\(slack)")
    }
}
