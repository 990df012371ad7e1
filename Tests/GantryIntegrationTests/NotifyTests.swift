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

/// A stand-in for GitHub's deployments API (which cannot run here), answering the documented
/// shapes of `POST /repos/{owner}/{repo}/deployments` and `…/deployments/{id}/statuses`
/// (201 with the created object), checking the token, the API version and the fields; every
/// request it took is written to a file.
final class FakeGitHubDeployments: Sendable {
    let server: PythonServer
    let log: String

    static let script = """
        import json, re, threading
        out, lock, calls, ids = sys.argv[2], threading.Lock(), [], [0]
        STATES = {"error", "failure", "inactive", "in_progress", "queued", "pending", "success"}
        class H(http.server.BaseHTTPRequestHandler):
            def log_message(self, *args): pass
            def answer(self, status, body):
                data = json.dumps(body).encode()
                self.send_response(status)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(data)))
                self.end_headers()
                self.wfile.write(data)
            def do_POST(self):
                body = json.loads(self.rfile.read(int(self.headers.get("Content-Length", 0))) or b"{}")
                if self.headers.get("Authorization") != "Bearer ghp-t0ken":
                    return self.answer(401, {"message": "Bad credentials", "documentation_url": "https://docs.github.com/rest"})
                if self.headers.get("X-GitHub-Api-Version") != "2022-11-28" or "github" not in self.headers.get("Accept", ""):
                    return self.answer(400, {"message": "missing API version or media type"})
                with lock:
                    ids[0] += 1
                    calls.append({"path": self.path, "body": body})
                    with open(out + ".tmp", "w") as f: json.dump(calls, f)
                    os.rename(out + ".tmp", out)
                    new = ids[0]
                if self.path == "/repos/acme/app/deployments":
                    if "ref" not in body:
                        return self.answer(422, {"message": "Invalid request: ref is missing"})
                    return self.answer(201, {"id": new, "url": "https://api.github.com/repos/acme/app/deployments/%d" % new, "sha": body["ref"], "ref": body["ref"],
                                             "task": "deploy", "payload": body.get("payload", {}), "environment": body.get("environment", "production"),
                                             "description": body.get("description"), "creator": {"login": "gantry"}, "created_at": "2026-12-02T00:00:00Z",
                                             "updated_at": "2026-12-02T00:00:00Z", "statuses_url": "https://api.github.com/repos/acme/app/deployments/%d/statuses" % new})
                match = re.fullmatch(r"/repos/acme/app/deployments/(\\d+)/statuses", self.path)
                if match:
                    if body.get("state") not in STATES:
                        return self.answer(422, {"message": "Invalid state"})
                    return self.answer(201, {"id": new, "state": body["state"], "description": body.get("description", ""), "environment": body.get("environment"),
                                             "log_url": body.get("log_url", ""), "deployment_url": "https://api.github.com/repos/acme/app/deployments/" + match.group(1),
                                             "created_at": "2026-12-02T00:00:00Z"})
                self.answer(404, {"message": "Not Found"})
        serve(H)
        """

    init(directory: URL) throws {
        log = directory.appendingPathComponent("github.json").path
        server = try PythonServer(script: Self.script, arguments: [log])
    }

    var calls: [[String: Any]] {
        guard let data = FileManager.default.contents(atPath: log) else { return [] }
        return (try? JSONSerialization.jsonObject(with: data)) as? [[String: Any]] ?? []
    }

    deinit { server.stop() }
}

@Suite("notifications: the GitHub deployments mirror", .serialized)
struct GitHubMirrorTests {
    @Test("deployments are mirrored: created with the commit, in_progress, then success or failure with the run as log_url; a success makes the previous one inactive")
    func mirror() throws {
        let project = try Project(config: "version: 1\n")
        let github = try FakeGitHubDeployments(directory: project.directory)
        try project.write("gantry.yml", """
            version: 1
            environments:
              production:
                deploy: { command: [/bin/sh, -c, 'echo "$0" > live.txt', "{release}"] }
                rollback: { command: [/bin/sh, -c, 'echo "$0" > live.txt', "{release}"] }
                check_defaults: { timeout: 2s, retries: 0 }
                checks:
                  - { name: live, command: { command: [/bin/sh, -c, "! grep -q bad live.txt"] } }
                notify: [ { github: { repo: acme/app, token_env: DEPLOY_TOKEN, api_url: "http://127.0.0.1:\(github.server.port)" } } ]
            """)
        let environment = [
            "DEPLOY_TOKEN": "ghp-t0ken", "GITHUB_SHA": "0123abcd", "GITHUB_SERVER_URL": "https://github.com",
            "GITHUB_REPOSITORY": "acme/app", "GITHUB_RUN_ID": "42",
        ]
        #expect(try project.gantry("deploy", "production", "--release", "1.0", environment: environment).status == 0)
        #expect(try project.gantry("deploy", "production", "--release", "2.0-bad", environment: environment).status == 1)
        let last = try project.gantry("deploy", "production", "--release", "3.0", environment: environment)
        #expect(last.status == 0, "\(last.output)")
        #expect(!last.output.contains("ghp-t0ken"))
        let calls = github.calls
        let summary = calls.map { call -> String in
            let path = call["path"] as? String ?? ""
            let body = call["body"] as? [String: Any] ?? [:]
            return path.hasSuffix("/deployments") ? "create \(body["ref"] ?? "")" : "\(path.split(separator: "/")[4]) \(body["state"] ?? "")"
        }
        #expect(summary == [
            "create 0123abcd", "1 in_progress", "1 success",
            "create 0123abcd", "4 in_progress", "4 failure",
            "create 0123abcd", "7 in_progress", "7 success", "1 inactive",
        ], "\(summary)")
        let statuses = calls.compactMap { $0["body"] as? [String: Any] }.filter { $0["state"] != nil }
        #expect(statuses.allSatisfy { $0["log_url"] as? String == "https://github.com/acme/app/actions/runs/42" })
        #expect(statuses.allSatisfy { $0["environment"] as? String == "production" })
        let created = try #require(calls.first?["body"] as? [String: Any])
        #expect(created["environment"] as? String == "production")
        #expect((created["payload"] as? [String: Any])?["release"] as? String == "1.0")
        #expect((statuses[3]["description"] as? String)?.hasPrefix("rolled back: ") == true, "\(statuses[3])")
    }
}
