import Foundation
import GantryTestSupport
import Testing
#if canImport(Glibc)
import Glibc
#endif

/// A `gantry serve` process on a free loopback port, stopped with SIGKILL if a test leaves it.
final class ServeProcess: @unchecked Sendable {
    let running: GantryBinary.Running
    let port: Int
    var url: String { "http://127.0.0.1:\(port)" }

    init(project: Project, environment: [String: String] = [:]) throws {
        port = try closedPort()
        running = try GantryBinary.start(["serve", "--listen", "127.0.0.1:\(port)"], in: project.directory, environment: environment)
        let deadline = Date().addingTimeInterval(15)
        while Date() < deadline {
            if (try? HTTP.get("\(url)/healthz"))?.status == 200 { return }
            Thread.sleep(forTimeInterval: 0.1)
        }
        kill(running.process.processIdentifier, SIGKILL)
        let result = running.wait()
        throw ServeError.didNotStart(result.output)
    }

    deinit { if running.process.isRunning { kill(running.process.processIdentifier, SIGKILL) } }
}

enum ServeError: Error {
    case didNotStart(String)
}

/// GETs with curl (installed by scripts/test): status and body.
enum HTTP {
    static func get(_ url: String, headers: [String] = [], timeout: Int = 5) throws -> (status: Int, body: String) {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = ["curl", "-s", "-m", String(timeout), "-w", "\n%{http_code}"] + headers.flatMap { ["-H", $0] } + [url]
        let output = Pipe()
        process.standardOutput = output
        process.standardError = FileHandle.nullDevice
        try process.run()
        let data = output.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        let text = String(decoding: data, as: UTF8.self)
        guard let newline = text.lastIndex(of: "\n") else { return (0, text) }
        return (Int(text[text.index(after: newline)...]) ?? 0, String(text[..<newline]))
    }
}

@Suite("gantry serve, as a process", .serialized)
struct ServeTests {
    static let services = ProcessInfo.processInfo.environment["GANTRY_TEST_PROMETHEUS_GANTRY_TARGETS"] != nil || ProcessInfo.processInfo.environment["CI"] == "true"

    func project(extra: String = "", script: String = "echo deployed") throws -> Project {
        try Project(config: shellConfig(script, extra: extra, secrets: true) + "\nserve: { store_interval: 1s, runner_interval: 1s, check_interval: 1s }\n")
    }

    @Test("Prometheus scrapes serve; a deploy by another process shows up as its outcome and release", .enabled(if: services))
    func prometheusSeesDeploy() throws {
        let prometheus = try #require(ProcessInfo.processInfo.environment["GANTRY_TEST_PROMETHEUS_URL"])
        let targets = try #require(ProcessInfo.processInfo.environment["GANTRY_TEST_PROMETHEUS_GANTRY_TARGETS"])
        let project = try project()
        let serve = try ServeProcess(project: project)
        let scenario = UUID().uuidString.lowercased()
        let file = "\(targets)/\(scenario).json"
        try Data(#"[{"targets":["127.0.0.1:\#(serve.port)"],"labels":{"scenario":"\#(scenario)"}}]"#.utf8).write(to: URL(fileURLWithPath: file + ".tmp"))
        try FileManager.default.moveItem(atPath: file + ".tmp", toPath: file)
        defer { try? FileManager.default.removeItem(atPath: file) }
        let deploy = try project.gantry("deploy", "production", "--release", "2.4.0", environment: ["DEPLOY_TOKEN": "tok-123"])
        #expect(deploy.status == 0, "\(deploy.output)")
        func query(_ promql: String) throws -> String {
            let encoded = promql.addingPercentEncoding(withAllowedCharacters: .alphanumerics) ?? promql
            return try HTTP.get("\(prometheus)/api/v1/query?query=\(encoded)").body
        }
        let release = #"gantry_release_info{job="gantry",scenario="\#(scenario)",environment="production",release="2.4.0"}"#
        let succeeded = #"gantry_deployments_total{job="gantry",scenario="\#(scenario)",environment="production",outcome="succeeded"}"#
        let deadline = Date().addingTimeInterval(30)
        var answers = ("", "")
        while Date() < deadline {
            answers = (try query(release), try query(succeeded))
            if answers.0.contains(#""value":["#) && answers.1.contains(#""1"]"#) { break }
            Thread.sleep(forTimeInterval: 0.5)
        }
        #expect(answers.0.contains(#""release":"2.4.0""#) && answers.0.contains(#""1"]"#), "\(answers.0)")
        #expect(answers.1.contains(#""outcome":"succeeded""#) && answers.1.contains(#""1"]"#), "\(answers.1)")
    }

    @Test("no secret value appears in any response; SIGTERM drains and exits 0")
    func secretsAndShutdown() throws {
        let port = try closedPort()
        let project = try project(extra: """
                checks:
                  - { name: db, postgres: { url: "postgres://app:${DB_PASSWORD}@127.0.0.1:\(port)/app" }, timeout: 300ms, retries: 0 }
            """, script: "echo \"using token $DEPLOY_TOKEN\"; exit 3")
        let environment = ["DEPLOY_TOKEN": "tok-very-secret-42", "DB_PASSWORD": "pw-very-secret-17"]
        let deploy = try project.gantry("deploy", "production", "--release", "1.0.0", environment: environment)
        #expect(deploy.status != 0)
        let serve = try ServeProcess(project: project, environment: environment)
        // Every page is read once the check has run and been reported, not after a guess.
        let deadline = Date().addingTimeInterval(10)
        while Date() < deadline, (try? HTTP.get(serve.url + "/api/v1/status").body.contains("\"name\" : \"db\"")) != true {
            Thread.sleep(forTimeInterval: 0.05)
        }
        for path in ["/", "/metrics", "/api/v1/status", "/healthz"] {
            let answer = try HTTP.get(serve.url + path)
            #expect(answer.status == 200, "\(path)")
            #expect(!answer.body.contains("tok-very-secret-42") && !answer.body.contains("pw-very-secret-17"), "\(path) leaks a secret: \(answer.body)")
        }
        let status = try HTTP.get(serve.url + "/api/v1/status").body
        #expect(status.contains("\"name\" : \"db\""), "the check ran and is reported: \(status)")
        let started = Date()
        kill(serve.running.process.processIdentifier, SIGTERM)
        let result = serve.running.wait()
        #expect(result.status == 0, "\(result.output)")
        #expect(Date().timeIntervalSince(started) < 10)
        #expect(!result.output.contains("tok-very-secret-42") && !result.output.contains("pw-very-secret-17"))
    }

    @Test("headless Chromium renders the status page; a screenshot is kept under .build/test-artifacts",
          .enabled(if: FileManager.default.isExecutableFile(atPath: "/usr/bin/chromium") || ProcessInfo.processInfo.environment["CI"] == "true"))
    func chromium() throws {
        let project = try project()
        #expect(try project.gantry("deploy", "production", "--release", "3.1.4", environment: ["DEPLOY_TOKEN": "a-long-token-value"]).status == 0)
        let serve = try ServeProcess(project: project)
        let artifacts = MonitoringTests.root.appendingPathComponent(".build/test-artifacts")
        try FileManager.default.createDirectory(at: artifacts, withIntermediateDirectories: true)
        let screenshot = artifacts.appendingPathComponent("status-page.png")
        try? FileManager.default.removeItem(at: screenshot)
        let common = ["--headless", "--no-sandbox", "--disable-gpu", "--no-first-run", "--user-data-dir=\(project.directory.path)/chromium"]
        let dom = try MonitoringTests.run("/usr/bin/chromium", common + ["--dump-dom", serve.url + "/"], in: project.directory)
        #expect(dom.stdout.contains("gantry status"), "\(dom.stdout.suffix(2000))")
        #expect(dom.stdout.contains("3.1.4"))
        #expect(dom.stdout.contains("All environments and runners are healthy"))
        _ = try MonitoringTests.run("/usr/bin/chromium", common + ["--window-size=420,900", "--screenshot=\(screenshot.path)", serve.url + "/"], in: project.directory)
        let png = try #require(FileManager.default.contents(atPath: screenshot.path), "no screenshot was written")
        #expect(png.starts(with: [0x89, 0x50, 0x4E, 0x47]), "the screenshot is a PNG")
    }
}
