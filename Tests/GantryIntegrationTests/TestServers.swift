import Foundation
import Testing
#if canImport(Glibc)
import Glibc
#endif

/// A small HTTP server in Python on a free loopback port, for peers that cannot run here
/// (GitHub's API) or that a test must stop at will (a runner's exporter). The script defines
/// a handler class and calls `serve(Handler)`; its arguments follow in `sys.argv[2:]`. The
/// port is handed over through a file renamed into place, never through a pipe.
final class PythonServer: Sendable {
    let process: Process
    let port: Int

    static let prelude = """
        import http.server, os, sys
        def serve(handler):
            server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
            server.daemon_threads = True
            with open(sys.argv[1] + ".tmp", "w") as f: f.write(str(server.server_address[1]))
            os.rename(sys.argv[1] + ".tmp", sys.argv[1])
            server.serve_forever()

        """

    init(script: String, arguments: [String] = []) throws {
        let portFile = FileManager.default.temporaryDirectory.appendingPathComponent("gantry-py-\(UUID().uuidString)").path
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = ["python3", "-c", Self.prelude + script, portFile] + arguments
        process.standardOutput = FileHandle.nullDevice
        process.standardError = FileHandle.nullDevice
        try process.run()
        self.process = process
        let deadline = Date().addingTimeInterval(10)
        var text: String?
        while text == nil, Date() < deadline {
            text = try? String(contentsOfFile: portFile, encoding: .utf8)
            if text == nil { Thread.sleep(forTimeInterval: 0.02) }
        }
        try? FileManager.default.removeItem(atPath: portFile)
        guard let port = Int(text ?? "") else {
            kill(process.processIdentifier, SIGKILL)
            throw PythonServerError.didNotStart
        }
        self.port = port
    }

    /// SIGKILL: a test process may run with SIGTERM ignored, and children inherit that.
    func stop() {
        kill(process.processIdentifier, SIGKILL)
        process.waitUntilExit()
    }

    deinit { kill(process.processIdentifier, SIGKILL) }
}

enum PythonServerError: Error {
    case didNotStart
}

/// A stand-in for GitHub's REST API (which cannot run here), answering the documented shape
/// of the list-runners endpoint, checking the token and the API version header.
///
/// Answers by token: `t0k-secret` lists the runners one per page (so paging is exercised),
/// `t0k-ratelimited` gets 403 with the rate-limit headers at zero, `t0k-noperm` a 403 with
/// calls left, `t0k-boom` a 502, `t0k-slow` no answer for 5 s; anything else 401.
final class FakeGitHub: Sendable {
    let server: PythonServer
    var port: Int { server.port }

    init(runners: String) throws {
        let script = """
            import http.server, json, sys, time, urllib.parse
            RUNNERS = json.loads(sys.argv[2])
            class H(http.server.BaseHTTPRequestHandler):
                def log_message(self, *a): pass
                def answer(self, status, body, headers=()):
                    self.send_response(status)
                    self.send_header("Content-Type", "application/json")
                    for k, v in headers: self.send_header(k, v)
                    self.end_headers(); self.wfile.write(json.dumps(body).encode())
                def do_GET(self):
                    token = self.headers.get("Authorization", "")
                    if token == "Bearer t0k-slow": time.sleep(5)
                    if token == "Bearer t0k-ratelimited":
                        return self.answer(403, {"message": "API rate limit exceeded"}, [("X-RateLimit-Remaining", "0"), ("X-RateLimit-Reset", "1893456000")])
                    if token == "Bearer t0k-noperm":
                        return self.answer(403, {"message": "Resource not accessible by integration"}, [("X-RateLimit-Remaining", "4000")])
                    if token == "Bearer t0k-boom":
                        return self.answer(502, {"message": "Server Error"})
                    if token != "Bearer t0k-secret":
                        return self.answer(401, {"message": "Bad credentials"})
                    url = urllib.parse.urlparse(self.path)
                    if self.headers.get("X-GitHub-Api-Version") != "2022-11-28" or url.path != "/repos/acme/app/actions/runners":
                        return self.answer(404, {"message": "Not Found"})
                    page = int(urllib.parse.parse_qs(url.query).get("page", ["1"])[0])
                    self.answer(200, {"total_count": len(RUNNERS), "runners": RUNNERS[page - 1:page]}, [("X-RateLimit-Remaining", str(4322 - page))])
            serve(H)
            """
        server = try PythonServer(script: script, arguments: [runners])
    }
}

/// A runner's exporter as Prometheus scrapes it: `/metrics` in the text format.
func runnerExporter() throws -> PythonServer {
    try PythonServer(script: """
        class H(http.server.BaseHTTPRequestHandler):
            def log_message(self, *a): pass
            def do_GET(self):
                body = b"# TYPE runner_ready gauge\\nrunner_ready 1\\n"
                self.send_response(200)
                self.send_header("Content-Type", "text/plain; version=0.0.4")
                self.send_header("Content-Length", str(len(body)))
                self.end_headers(); self.wfile.write(body)
        serve(H)
        """)
}
