import Foundation
import Testing

/// `approvals:` through the gantry command, with real `ssh-keygen` keys, on SQLite and on the
/// shared PostgreSQL: a release reaches production only with signed approvals by someone
/// other than its deployer, for this configuration file, or by a recorded break glass.
@Suite("signed approvals", .serialized)
struct ApprovalTests {
    func config(_ state: String) -> String {
        """
        version: 1
        \(state)
        metrics: { textfile: metrics.prom }
        environments:
          production:
            approvals: { required: 1, allowed_signers: ops/allowed_signers, ttl: 1h }
            deploy: { command: [/bin/sh, -c, 'echo "$0" >> production.log', "{release}"] }
        """
    }

    /// Makes an ed25519 key pair `name` and `name.pub` in the project.
    func key(_ name: String, in project: Project) throws -> String {
        let path = project.directory.appendingPathComponent(name).path
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/ssh-keygen")
        process.arguments = ["-q", "-t", "ed25519", "-N", "", "-C", name, "-f", path]
        try process.run()
        process.waitUntilExit()
        try #require(process.terminationStatus == 0, "ssh-keygen made no key")
        let publicKey = try #require(project.read("\(name).pub"))
        return publicKey.split(separator: " ").prefix(2).joined(separator: " ")
    }

    @Test("a deploy needs an approval signed by someone else for this release and this configuration file (exit 3, not_approved, saying why each does not count); --skip-promotion deploys anyway, recorded", arguments: SharedStore.available)
    func gate(_ store: SharedStore) throws {
        let (state, environment) = try store.make()
        let project = try Project(config: config(state))
        try FileManager.default.createDirectory(at: project.directory.appendingPathComponent("ops"), withIntermediateDirectories: true)
        let alice = try key("alice", in: project)
        let bob = try key("bob", in: project)
        _ = try key("eve", in: project)
        try project.write("ops/allowed_signers", "alice,alice@example.com \(alice)\nbob \(bob)\n")
        try project.write("report.json", "{\"scenarios\": 12}\n")
        func env(_ actor: String) -> [String: String] { environment.merging(["GITHUB_ACTOR": actor]) { $1 } }

        let none = try project.gantry("deploy", "production", "--release", "1.0", environment: env("alice"))
        #expect(none.status == 3, "\(none.output)")
        #expect(none.output.contains("1.0 needs 1 approval for production and has none"), "\(none.output)")
        #expect(project.read("production.log") == nil, "nothing ran")

        // --override passes a freeze, never the approvals.
        #expect(try project.gantry("freeze", "production", "--reason", "change freeze", environment: env("alice")).status == 0)
        let overridden = try project.gantry("deploy", "production", "--release", "1.0", "--override", "--reason", "urgent", environment: env("alice"))
        #expect(overridden.status == 3, "\(overridden.output)")
        #expect(overridden.output.contains("1.0 needs 1 approval for production and has none"), "\(overridden.output)")
        #expect(try project.gantry("unfreeze", "production", environment: env("alice")).status == 0)
        #expect(project.read("production.log") == nil, "nothing ran")

        // A key that is not in allowed_signers signs nothing that is kept.
        let stranger = try project.gantry("approve", "production", "--release", "1.0", "--key", "eve", environment: env("eve"))
        #expect(stranger.status == 2, "\(stranger.output)")
        #expect(stranger.output.contains("does not verify against ops/allowed_signers"), "\(stranger.output)")
        #expect(stranger.output.contains("nothing was stored"), "\(stranger.output)")

        let approved = try project.gantry(
            "approve", "production", "--release", "1.0", "--key", "alice", "--comment", "staging soaked", "--evidence", "report.json", environment: env("alice")
        )
        #expect(approved.status == 0, "\(approved.output)")
        #expect(approved.stdout.contains("approved 1.0 for production as alice"), "\(approved.output)")

        // Four eyes: the signer's own deploy does not count it.
        let own = try project.gantry("deploy", "production", "--release", "1.0", "--json", environment: env("Alice"))
        #expect(own.status == 3, "\(own.output)")
        let refused = try JSONSerialization.jsonObject(with: Data(own.stdout.utf8)) as? [String: Any]
        #expect(refused?["reason_code"] as? String == "not_approved", "\(own.stdout)")
        #expect((refused?["reason"] as? String)?.contains("does not count: Alice is this deploy's deployer") == true, "\(own.stdout)")

        let planned = try project.gantry("plan", "production", "--release", "1.0", environment: env("carol"))
        #expect(planned.stdout.contains("approvals: 1 of 1 required count (alice)"), "\(planned.output)")
        let listed = try project.json("approvals", "production", environment: env("carol"))
        let release = (listed["releases"] as? [[String: Any]])?.first
        let first = (release?["approvals"] as? [[String: Any]])?.first
        #expect(release?["approved"] as? Bool == true, "\(listed)")
        #expect(first?["signer"] as? String == "alice")
        #expect(first?["comment"] as? String == "staging soaked")
        #expect((first?["evidence"] as? String)?.hasSuffix(" report.json") == true, "\(listed)")
        let asAlice = try project.gantry("approvals", "production", "--release", "1.0", "--deployer", "alice", environment: env("carol"))
        #expect(asAlice.stdout.contains("production 1.0: not approved, 0 of 1 required count"), "\(asAlice.output)")

        let deployed = try project.gantry("deploy", "production", "--release", "1.0", environment: env("bob"))
        #expect(deployed.status == 0, "\(deployed.output)")
        #expect(project.read("production.log") == "1.0\n")
        let shown = try project.gantry("show", "production", environment: env("bob"))
        #expect(shown.stdout.contains("approved by alice (1 of 1 required)"), "\(shown.stdout)")

        // An approval of one release is not one of another, and a changed file voids it.
        #expect(try project.gantry("approve", "production", "--release", "2.0", "--key", "bob", environment: env("bob")).status == 0)
        let other = try project.gantry("deploy", "production", "--release", "3.0", environment: env("alice"))
        #expect(other.status == 3, "\(other.output)")
        #expect(other.output.contains("3.0 needs 1 approval for production and has none"), "\(other.output)")
        try project.write("gantry.yml", config(state) + "\n# a comment changes the file\n")
        let changed = try project.gantry("deploy", "production", "--release", "2.0", environment: env("alice"))
        #expect(changed.status == 3, "\(changed.output)")
        #expect(changed.output.contains("does not count: it was signed for another configuration"), "\(changed.output)")

        // Break glass needs a reason, and is recorded with it.
        let forced = try project.gantry("deploy", "production", "--release", "2.0", "--skip-promotion", "--reason", "outage fix", environment: env("alice"))
        #expect(forced.status == 0, "\(forced.output)")
        #expect(project.read("production.log") == "1.0\n2.0\n")
        let forcedShown = try project.gantry("show", "production", environment: env("alice"))
        #expect(forcedShown.stdout.contains("approvals skipped by alice: outage fix"), "\(forcedShown.stdout)")
        // Kept on the record, and counted.
        let history = try project.json("history", "production", environment: env("alice"))
        let newest = (history["deployments"] as? [[String: Any]])?.first
        #expect((newest?["break_glass"] as? String)?.contains("approvals skipped by alice: outage fix") == true, "\(history)")
        #expect((newest?["release"] as? String) == "2.0")
        #expect(project.read("metrics.prom")?.contains("gantry_break_glass_total{environment=\"production\"} 1") == true, "\(project.read("metrics.prom") ?? "no textfile")")
    }

    @Test("approvals: must name an allowed_signers file; approve refuses an environment that requires none")
    func badConfig() throws {
        let project = try Project(config: """
            version: 1
            environments:
              production:
                approvals: { required: 0 }
                deploy: { command: ["true"] }
              staging:
                deploy: { command: ["true"] }
            """)
        let result = try project.gantry("validate")
        #expect(result.status == 2, "\(result.output)")
        #expect(result.output.contains("approvals.allowed_signers"), "\(result.output)")
        #expect(result.output.contains("approvals.required"), "\(result.output)")
        try project.write("gantry.yml", """
            version: 1
            environments:
              staging:
                deploy: { command: ["true"] }
            """)
        let none = try project.gantry("approve", "staging", "--release", "1.0", "--key", "nokey")
        #expect(none.status == 2, "\(none.output)")
        #expect(none.output.contains("staging requires no approvals"), "\(none.output)")
    }
}
