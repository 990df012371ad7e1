import Foundation
import GantryTestSupport
import Testing
#if canImport(Glibc)
import Glibc
#endif

/// What gantry exposes is what Prometheus' own tools accept: `promtool check metrics` prints
/// nothing for `/metrics` and for the textfile, and a real node_exporter reads the textfile
/// without a scrape error.
@Suite("metrics lint", .serialized)
struct MetricsLintTests {
    static let promtool = "/usr/bin/promtool"
    static let nodeExporter = "/usr/bin/prometheus-node-exporter"
    static var ci: Bool { ProcessInfo.processInfo.environment["CI"] == "true" }

    /// Runs `promtool check metrics` on `text`: its exit status and everything it printed.
    func promtoolCheck(_ text: String) throws -> (Int32, String) {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: Self.promtool)
        process.arguments = ["check", "metrics"]
        let input = Pipe()
        let output = Pipe()
        process.standardInput = input
        process.standardOutput = output
        process.standardError = output
        try process.run()
        input.fileHandleForWriting.write(Data(text.utf8))
        try input.fileHandleForWriting.close()
        let printed = String(decoding: output.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        process.waitUntilExit()
        return (process.terminationStatus, printed)
    }

    func project() throws -> Project {
        let project = try Project(config: shellConfig("echo deployed", extra: "", secrets: false) + "\nmetrics: { textfile: textfile/gantry.prom }\n")
        try FileManager.default.createDirectory(at: project.directory.appendingPathComponent("textfile"), withIntermediateDirectories: true)
        #expect(try project.gantry("deploy", "production", "--release", "1.0").status == 0)
        #expect(try project.gantry("deploy", "production", "--release", "1.1").status == 0)
        return project
    }

    @Test("promtool check metrics prints nothing for the textfile and for serve's /metrics",
          .enabled(if: FileManager.default.isExecutableFile(atPath: promtool) || ci))
    func promtoolAccepts() throws {
        let project = try project()
        let textfile = try #require(project.read("textfile/gantry.prom"))
        let (status, printed) = try promtoolCheck(textfile)
        #expect(status == 0 && printed.isEmpty, "textfile: \(printed)")
        let serve = try ServeProcess(project: project)
        let metrics = try HTTP.get(serve.url + "/metrics")
        #expect(metrics.status == 200)
        let (serveStatus, servePrinted) = try promtoolCheck(metrics.body)
        #expect(serveStatus == 0 && servePrinted.isEmpty, "/metrics: \(servePrinted)")
        kill(serve.running.process.processIdentifier, SIGTERM)
        _ = serve.running.wait()
    }

    @Test("a real node_exporter reads the textfile: gantry's series, and no scrape error",
          .enabled(if: FileManager.default.isExecutableFile(atPath: nodeExporter) || ci))
    func nodeExporterReads() throws {
        let project = try project()
        let port = try closedPort()
        let exporter = Process()
        exporter.executableURL = URL(fileURLWithPath: Self.nodeExporter)
        exporter.arguments = [
            "--web.listen-address=127.0.0.1:\(port)", "--collector.disable-defaults", "--collector.textfile",
            "--collector.textfile.directory=\(project.directory.appendingPathComponent("textfile").path)",
        ]
        exporter.standardOutput = FileHandle.nullDevice
        exporter.standardError = FileHandle.nullDevice
        try exporter.run()
        defer {
            exporter.terminate()
            exporter.waitUntilExit()
        }
        var body = ""
        let deadline = Date().addingTimeInterval(10)
        while Date() < deadline {
            if let answer = try? HTTP.get("http://127.0.0.1:\(port)/metrics"), answer.status == 200 {
                body = answer.body
                break
            }
            Thread.sleep(forTimeInterval: 0.1)
        }
        #expect(body.contains("gantry_deployments_total{environment=\"production\",outcome=\"succeeded\"} 2"), "\(body.prefix(2000))")
        #expect(body.contains("gantry_release_info{environment=\"production\",release=\"1.1\"} 1"))
        #expect(body.contains("node_textfile_scrape_error 0"), "\(body.split(separator: "\n").filter { $0.contains("textfile") })")
    }
}
