import Foundation
import Testing

/// `gantry monitoring`: the generated rules pass `promtool check rules`, and the unit tests
/// in Tests/monitoring/alerts-test.yml fire and silence every alert.
@Suite("monitoring: alert rules and dashboard")
struct MonitoringTests {
    static let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
    static var promtool: String? {
        ["/usr/bin/promtool", "/usr/local/bin/promtool"].first { FileManager.default.isExecutableFile(atPath: $0) }
    }

    static func run(_ program: String, _ arguments: [String], in directory: URL) throws -> GantryBinary.Result {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: program)
        process.arguments = arguments
        process.currentDirectoryURL = directory
        let output = Pipe()
        process.standardOutput = output
        process.standardError = output
        try process.run()
        let data = output.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        return GantryBinary.Result(status: process.terminationStatus, stdout: String(decoding: data, as: UTF8.self), stderr: "")
    }

    @Test("the alert rules pass promtool check rules and promtool test rules",
          .enabled(if: MonitoringTests.promtool != nil || ProcessInfo.processInfo.environment["CI"] == "true"))
    func promtoolRules() throws {
        let promtool = try #require(Self.promtool, "promtool is not installed (Debian package prometheus): run scripts/test")
        let project = try Project(config: shellConfig("true", timeout: "10m"))
        try FileManager.default.removeItem(at: project.directory.appendingPathComponent("gantry.yml"))
        let generic = try project.gantry("monitoring", "alerts")
        #expect(generic.status == 0, "\(generic.output)")
        try project.write("alerts.yml", generic.stdout)
        try project.write("alerts-test.yml", String(contentsOf: Self.root.appendingPathComponent("Tests/monitoring/alerts-test.yml"), encoding: .utf8))
        let check = try Self.run(promtool, ["check", "rules", "alerts.yml"], in: project.directory)
        #expect(check.status == 0, "\(check.stdout)")
        #expect(check.stdout.contains("SUCCESS: 9 rules found"), "\(check.stdout)")
        let unit = try Self.run(promtool, ["test", "rules", "alerts-test.yml"], in: project.directory)
        #expect(unit.status == 0, "\(unit.stdout)")

        try project.write("gantry.yml", shellConfig("true", timeout: "10m"))
        let configured = try project.gantry("monitoring", "alerts", "--runbook-url", "https://wiki.internal/gantry/runbooks")
        #expect(configured.stdout.contains("gantry_deployment_in_progress{environment=\"production\"} == 1"))
        #expect(configured.stdout.contains("runbook_url: https://wiki.internal/gantry/runbooks#gantrydeploymentstuck"))
        try project.write("configured.yml", configured.stdout)
        let configuredCheck = try Self.run(promtool, ["check", "rules", "configured.yml"], in: project.directory)
        #expect(configuredCheck.status == 0, "\(configuredCheck.stdout)")
    }

    @Test("the dashboard is JSON with a data source input, a data source variable and an environment variable")
    func dashboard() throws {
        let project = try Project(config: shellConfig("true"))
        let result = try project.gantry("monitoring", "dashboard")
        #expect(result.status == 0)
        let model = try #require(try JSONSerialization.jsonObject(with: Data(result.stdout.utf8)) as? [String: Any])
        let inputs = try #require(model["__inputs"] as? [[String: Any]])
        #expect(inputs.first?["pluginId"] as? String == "prometheus")
        let variables = try #require((model["templating"] as? [String: Any])?["list"] as? [[String: Any]])
        #expect(variables.map { $0["type"] as? String } == ["datasource", "query"])
        #expect(variables.map { $0["name"] as? String } == ["datasource", "environment"])
    }
}
