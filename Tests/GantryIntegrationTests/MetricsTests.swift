import Foundation
import GantryTestSupport
import Testing

@Suite("metrics textfile", .serialized)
struct MetricsTests {
    /// Every line of a Prometheus text exposition: a comment, or `name{labels} value`.
    static func isComplete(_ text: String) -> Bool {
        guard text.hasSuffix("\n"), text.contains("# TYPE gantry_build_info gauge"), text.contains("gantry_lock_held{") else { return false }
        return text.split(separator: "\n").allSatisfy { line in
            line.hasPrefix("# ") || line.wholeMatch(of: /gantry_[a-z_]+(\{[^}]*\})? [0-9.e+-]+/) != nil
        }
    }

    @Test("deploy, check and select-runner keep the textfile whole and current, failovers counted")
    func textfile() throws {
        let closedPort = try GantryTestSupport.closedPort()
        let project = try Project(config: shellConfig("echo deployed", extra: """
                checks:
                  - { name: api, tcp: { host: 127.0.0.1, port: \(closedPort) }, timeout: 300ms, retries: 0 }
            """) + """

            metrics: { textfile: metrics/gantry.prom }
            runners:
              - { name: primary, priority: 1, health: [ { http: { url: "http://127.0.0.1:\(closedPort)/", timeout: 300ms } } ] }
              - { name: secondary, priority: 2, health: [] }
            """)
        try FileManager.default.createDirectory(at: project.directory.appendingPathComponent("metrics"), withIntermediateDirectories: true)
        let deploy = try project.gantry("deploy", "production", "--release", "1.0.0")
        #expect(deploy.status == 1 || deploy.status == 4, "the check fails, so the deploy does not succeed: \(deploy.output)")
        let check = try project.gantry("check", "production")
        #expect(check.status == 1)
        for _ in 0..<2 {
            #expect(try project.gantry("select-runner", "production").stdout == "secondary\n")
        }
        let text = try #require(project.read("metrics/gantry.prom"))
        #expect(Self.isComplete(text), "\(text)")
        #expect(text.contains(#"gantry_deployments_total{environment="production",outcome="failed"} 1"#), "\(text)")
        #expect(text.contains(#"gantry_check_up{check="api",environment="production"} 0"#) || text.contains(#"gantry_check_up{environment="production",check="api"} 0"#), "\(text)")
        #expect(text.contains(#"gantry_runner_up{runner="primary"} 0"#))
        #expect(text.contains(#"gantry_runner_up{runner="secondary"} 1"#))
        #expect(text.contains(#"gantry_runner_failovers_total{environment="production",from="primary",to="secondary"} 2"#), "\(text)")
        #expect(text.contains(#"gantry_build_info{version=""#))
        let leftovers = try FileManager.default.contentsOfDirectory(atPath: project.directory.appendingPathComponent("metrics").path)
        #expect(leftovers == ["gantry.prom"], "no temporary file is left behind")
    }

    @Test("the textfile is never seen half-written while deploys run in a loop")
    func neverHalfWritten() throws {
        let project = try Project(config: shellConfig("true") + "\nmetrics: { textfile: gantry.prom }\n")
        let path = project.directory.appendingPathComponent("gantry.prom").path
        let done = LockedFlag()
        let reader = Thread {
            var reads = 0
            var torn: [String] = []
            while !done.value {
                if let data = FileManager.default.contents(atPath: path) {
                    reads += 1
                    let text = String(decoding: data, as: UTF8.self)
                    if !MetricsTests.isComplete(text) { torn.append(text) }
                }
            }
            done.report(reads: reads, torn: torn)
        }
        reader.start()
        for n in 1...15 {
            let result = try project.gantry("deploy", "production", "--release", "1.0.\(n)")
            #expect(result.status == 0, "\(result.output)")
        }
        done.finish()
        let (reads, torn) = done.waitForReport()
        #expect(reads > 15, "the reader must actually have raced the writers")
        #expect(torn.isEmpty, "half-written: \(torn.first ?? "")")
        #expect(try #require(project.read("gantry.prom")).contains(#"gantry_deployments_total{environment="production",outcome="succeeded"} 15"#))
    }
}

/// A stop flag and the reader thread's report, shared across threads.
final class LockedFlag: @unchecked Sendable {
    private let condition = NSCondition()
    private var stopped = false
    private var result: (Int, [String])?

    var value: Bool { condition.withLock { stopped } }

    func finish() { condition.withLock { stopped = true } }

    func report(reads: Int, torn: [String]) {
        condition.withLock {
            result = (reads, torn)
            condition.broadcast()
        }
    }

    func waitForReport() -> (Int, [String]) {
        condition.withLock {
            while result == nil { condition.wait() }
            return result!
        }
    }
}
