import Foundation
import GantryTestSupport
import Testing
#if canImport(Glibc)
import Glibc
#endif

@Suite("preflight", .serialized)
struct PreflightTests {
    /// A loopback port nothing listens on, and one that accepts (a listener kept open).
    func ports() throws -> (closed: Int, open: Int, keep: LoopbackListener) {
        let listener = try LoopbackListener()
        let closedPort = try GantryTestSupport.closedPort()
        return (closedPort, listener.port, listener)
    }

    func config(closed: Int, open: Int, tools: String = "[sh]") -> String {
        """
        version: 1
        environments:
          production:
            inventory: hosts
            secrets: [DEPLOY_TOKEN, VAULT_PASSWORD]
            preflight: { reachable_port: \(open), tools: \(tools), min_free_disk: 1MiB, timeout: 1s }
            deploy: { command: [/bin/sh, -c, "echo run >> runs.log"] }
        """
    }

    @Test("every failure is listed at once; deploy refuses with exit 3 and runs nothing")
    func failures() throws {
        let (closed, open, keep) = try ports()
        defer { keep.close() }
        let project = try Project(config: config(closed: closed, open: open, tools: "[sh, no-such-tool-xyz]"))
        try project.write("hosts", "[web]\nweb-1 ansible_host=127.0.0.1\nweb-2 ansible_host=127.0.0.1 ansible_port=\(closed)\n")
        let environment = ["DEPLOY_TOKEN": "tok-123"]
        let preflight = try project.gantry("preflight", "production", environment: environment)
        #expect(preflight.status == 3, "\(preflight.output)")
        #expect(preflight.stdout.contains("VAULT_PASSWORD is not set or empty"))
        #expect(preflight.stdout.contains("no-such-tool-xyz is not on PATH"))
        #expect(preflight.stdout.contains("warning: no rollback command is configured"))
        let lines = preflight.stdout.split(separator: "\n")
        #expect(lines.contains { $0.hasPrefix("reachable") && $0.contains("web-1") && $0.contains("pass") })
        #expect(lines.contains { $0.hasPrefix("reachable") && $0.contains("web-2") && $0.contains("connection refused") })
        #expect(!preflight.output.contains("tok-123"))
        let deploy = try project.gantry("deploy", "production", "--release", "1.0", environment: environment)
        #expect(deploy.status == 3)
        #expect(deploy.stdout.contains("preflight failed"))
        #expect(!project.exists("runs.log"))
        let report = try project.json("preflight", "production", environment: environment)
        #expect(report["passed"] as? Bool == false)
    }

    @Test("a secret too short to mask safely refuses the deploy (exit 3, its name only)")
    func shortSecret() throws {
        let (closed, open, keep) = try ports()
        defer { keep.close() }
        let project = try Project(config: config(closed: closed, open: open))
        try project.write("hosts", "all:\n  hosts:\n    web-1: { ansible_host: 127.0.0.1 }\n")
        let deploy = try project.json("deploy", "production", "--release", "1.0", environment: ["DEPLOY_TOKEN": "x", "VAULT_PASSWORD": "vault-b"])
        #expect(deploy["exit_code"] as? Int == 3, "\(deploy)")
        #expect(deploy["reason_code"] as? String == "preflight_secret_missing")
        #expect((deploy["reason"] as? String)?.contains("DEPLOY_TOKEN is too short to mask safely") == true, "\(deploy)")
        #expect(!project.exists("runs.log"))
    }

    @Test("all passing: deploy goes ahead; a broken or empty inventory is reported")
    func passing() throws {
        let (closed, open, keep) = try ports()
        defer { keep.close() }
        let project = try Project(config: config(closed: closed, open: open))
        try project.write("hosts", "all:\n  hosts:\n    web-1: { ansible_host: 127.0.0.1 }\n")
        let environment = ["DEPLOY_TOKEN": "tok-a", "VAULT_PASSWORD": "vault-b"]
        #expect(try project.gantry("preflight", "production", environment: environment).status == 0)
        #expect(try project.gantry("deploy", "production", "--release", "1.0", environment: environment).status == 0)
        #expect(project.read("runs.log") == "run\n")
        try project.write("hosts", "[web\n")
        let broken = try project.gantry("preflight", "production", environment: environment)
        #expect(broken.status == 2)
        #expect(broken.stderr.contains("hosts:1"))
        try project.write("hosts", "[web]\n")
        let empty = try project.gantry("preflight", "production", environment: environment)
        #expect(empty.status == 3)
        #expect(empty.stdout.contains("the inventory names no hosts"))
    }
}
