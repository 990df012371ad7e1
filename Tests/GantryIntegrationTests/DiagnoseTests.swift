import Foundation
import GantryTestSupport
import Testing
#if canImport(Glibc)
import Glibc
#endif

/// Runs a program (argv, no shell) for a test and returns its status and combined output.
enum Tool {
    static func run(_ argv: [String], in directory: URL? = nil, environment: [String: String] = [:]) throws -> (status: Int32, output: String) {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: argv[0])
        process.arguments = Array(argv.dropFirst())
        if let directory { process.currentDirectoryURL = directory }
        process.environment = ProcessInfo.processInfo.environment.merging(environment) { $1 }
        let pipe = Pipe()
        process.standardOutput = pipe
        process.standardError = pipe
        process.standardInput = FileHandle.nullDevice
        try process.run()
        let data = pipe.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        return (process.terminationStatus, String(decoding: data, as: UTF8.self))
    }
}

/// `gantry diagnose` end to end: deploys that fail for real reasons (real ansible-core plays
/// against a closed port, a failing task and a wrong vault password; a real full tmpfs; a held
/// lock; a missing secret; a failing check; a runner log of a conflicting session), each
/// diagnosed with the right code first and the line that shows it.
@Suite("gantry diagnose, end to end", .serialized)
struct DiagnoseTests {
    /// The top finding of `gantry diagnose ENV --json`.
    func top(_ project: Project, _ arguments: String..., environment: [String: String] = [:]) throws -> [String: Any] {
        let diagnosis = try GantryBinary.run(["diagnose"] + arguments + ["--json"], in: project.directory, environment: environment)
        #expect(diagnosis.status == 0, "\(diagnosis.output)")
        let object = try #require(try JSONSerialization.jsonObject(with: Data(diagnosis.stdout.utf8)) as? [String: Any], "\(diagnosis.output)")
        let findings = try #require(object["findings"] as? [[String: Any]])
        return try #require(findings.first, "no findings: \(diagnosis.output)")
    }

    func lines(_ finding: [String: Any]) -> [String] {
        (finding["evidence"] as? [[String: Any]] ?? []).compactMap { $0["line"] as? String }
    }

    @Test("real ansible-core failures: an unreachable host, a failed task and a wrong vault password are told apart", .enabled(if: AnsibleForTests.available))
    func ansible() throws {
        let bin = try #require(AnsibleForTests.bin, "GANTRY_TEST_ANSIBLE_BIN is not set: scripts/test installs ansible-core from PyPI")
        let project = try Project(config: """
            version: 1
            environments:
              production:
                deploy: { command: [\(jsonString(bin + "/ansible-playbook")), -i, inventory.ini, "play-{release}.yml", --vault-password-file, vault-pass.txt] }
                rollback: { command: ["true"] }
            """)
        try project.write("inventory.ini", """
            [web]
            web-3 ansible_host=127.0.0.1 ansible_port=\(closedPort()) ansible_user=deploy
            [local]
            box ansible_connection=local
            """)
        try project.write("play-good.yml", "- hosts: local\n  gather_facts: false\n  tasks:\n    - name: say hello\n      ansible.builtin.debug: { msg: hello }\n")
        try project.write("play-unreachable.yml", "- hosts: web\n  gather_facts: false\n  tasks:\n    - name: install release\n      ansible.builtin.command: /bin/true\n")
        try project.write("play-failing.yml", "- hosts: local\n  gather_facts: false\n  tasks:\n    - name: switch the current symlink\n      ansible.builtin.fail: { msg: releases/2.0 does not exist }\n")
        try project.write("play-vault.yml", "- hosts: local\n  gather_facts: false\n  vars_files: [secrets.yml]\n  tasks:\n    - name: use the vault\n      ansible.builtin.debug: { msg: ok }\n")
        try project.write("secrets.yml", "db_password: vaulted-db-password\n")
        try project.write("right-pass.txt", "the-right-password")
        try project.write("vault-pass.txt", "a-wrong-password")
        let encrypt = try Tool.run([bin + "/ansible-vault", "encrypt", "--vault-password-file", "right-pass.txt", "secrets.yml"], in: project.directory)
        try #require(encrypt.status == 0, "\(encrypt.output)")
        let environment = [
            "ANSIBLE_NOCOLOR": "1", "ANSIBLE_HOST_KEY_CHECKING": "False", "ANSIBLE_SSH_ARGS": "-o ConnectTimeout=5",
            "ANSIBLE_LOCAL_TEMP": NSTemporaryDirectory(), "ANSIBLE_HOME": NSTemporaryDirectory() + "ansible-home",
        ]
        let good = try project.gantry("deploy", "production", "--release", "good", environment: environment)
        try #require(good.status == 0, "\(good.output)")

        let unreachable = try project.gantry("deploy", "production", "--release", "unreachable", environment: environment)
        #expect(unreachable.status == 1, "\(unreachable.output)")
        var finding = try top(project, "production")
        #expect(finding["code"] as? String == "host_unreachable")
        #expect(finding["blame"] as? String == "host")
        #expect(lines(finding).contains { $0.hasPrefix("fatal: [web-3]: UNREACHABLE!") && $0.contains("Connection refused") })
        #expect((finding["summary"] as? String)?.contains("task 'install release'") == true)

        let failing = try project.gantry("deploy", "production", "--release", "failing", environment: environment)
        #expect(failing.status == 1, "\(failing.output)")
        finding = try top(project, "production")
        #expect(finding["code"] as? String == "command_failed")
        #expect(finding["summary"] as? String == "task 'switch the current symlink' failed on box")
        #expect(lines(finding).contains { $0.hasPrefix("fatal: [box]: FAILED!") })
        #expect(lines(finding).contains { $0.hasPrefix("box") && $0.contains("failed=1") }, "the PLAY RECAP line is evidence")

        let vault = try project.gantry("deploy", "production", "--release", "vault", environment: environment)
        #expect(vault.status == 1, "\(vault.output)")
        finding = try top(project, "production")
        #expect(finding["code"] as? String == "auth_failed")
        #expect(lines(finding).contains { $0.contains("Decryption failed") })
        let history = try #require(try project.json("history", "production")["deployments"] as? [[String: Any]])
        #expect(history.prefix(3).compactMap { $0["reason_code"] as? String } == ["auth_failed", "command_failed", "host_unreachable"])
    }

    @Test("a real full disk: a tmpfs filled by the deploy is disk_full, with the filesystem's free space as evidence", .enabled(if: getuid() == 0))
    func fullDisk() throws {
        let project = try Project(config: shellConfig("dd if=/dev/zero of=\"$PWD/releases/$1.bin\" bs=64k count=64", extra: "    rollback: { command: [\"true\"] }"))
        let releases = project.directory.appendingPathComponent("releases")
        try FileManager.default.createDirectory(at: releases, withIntermediateDirectories: true)
        let mount = try Tool.run(["/usr/bin/mount", "-t", "tmpfs", "-o", "size=1m", "tmpfs", releases.path])
        try #require(mount.status == 0, "cannot mount a tmpfs: \(mount.output)")
        defer { _ = try? Tool.run(["/usr/bin/umount", releases.path]) }
        let failed = try project.gantry("deploy", "production", "--release", "big")
        #expect(failed.status == 4 || failed.status == 1, "\(failed.output)")
        let finding = try top(project, "production")
        #expect(finding["code"] as? String == "disk_full")
        #expect(lines(finding).contains { $0.contains("No space left on device") })
        #expect(lines(finding).contains { $0.hasPrefix(releases.path) && $0.contains("free of 1MiB") }, "\(lines(finding))")
    }

    @Test("refusals and checks: held by hand, a missing secret and a failing check rank their own code first")
    func refusals() throws {
        let project = try Project(config: """
            version: 1
            environments:
              production:
                secrets: [DEPLOY_TOKEN]
                deploy: { command: [/bin/sh, -c, 'echo "$0" > live.txt', "{release}"] }
                rollback: { command: [/bin/sh, -c, 'echo "$0" > live.txt', "{release}"] }
                checks:
                  - { name: app, command: { command: [/bin/sh, -c, "grep -qvx broken live.txt || { echo 'HTTP 503 from /health'; exit 1; }"] }, retries: 0 }
            """)
        let token = ["DEPLOY_TOKEN": "tok-7f3a9c"]
        let missing = try project.gantry("deploy", "production", "--release", "1.0")
        #expect(missing.status == 3, "\(missing.output)")
        var finding = try top(project, "production")
        #expect(finding["code"] as? String == "preflight_secret_missing")
        #expect(finding["blame"] as? String == "operator")

        #expect(try project.gantry("deploy", "production", "--release", "1.0", environment: token).status == 0)
        let broken = try project.gantry("deploy", "production", "--release", "broken", environment: token)
        #expect(broken.status == 1, "\(broken.output)")
        finding = try top(project, "production", environment: token)
        #expect(finding["code"] as? String == "check_failed")
        #expect((finding["next"] as? String)?.contains("gantry check production") == true)

        #expect(try project.gantry("lock", "production", "--reason", "database maintenance").status == 0)
        let held = try project.gantry("deploy", "production", "--release", "1.1", "--wait", "0s", environment: token)
        #expect(held.status == 3, "\(held.output)")
        finding = try top(project, "production", environment: token)
        #expect(finding["code"] as? String == "lock_held_by_hand")
        #expect(lines(finding).contains { $0.contains("database maintenance") })
        #expect(finding["runbook"] as? String == "docs/runbooks.md#lock_held_by_hand")
    }

    @Test("the runner's own _diag log: a conflicting session during the deploy is found, with the runner's line")
    func runnerLog() throws {
        let project = try Project(config: """
            version: 1
            runners:
              - { name: primary, diag: runner/_diag }
            environments:
              production:
                deploy: { command: [/bin/sh, -c, "sleep 1; exit 1"] }
            """)
        try FileManager.default.createDirectory(at: project.directory.appendingPathComponent("runner/_diag"), withIntermediateDirectories: true)
        let failed = try project.gantry("deploy", "production", "--release", "1.0", environment: ["GANTRY_RUNNER": "primary"])
        #expect(failed.status == 4, "\(failed.output)")
        let formatter = DateFormatter()
        formatter.locale = Locale(identifier: "en_US_POSIX")
        formatter.timeZone = TimeZone(identifier: "UTC")
        formatter.dateFormat = "yyyy-MM-dd HH:mm:ss'Z'"
        let now = formatter.string(from: Date())
        try project.write("runner/_diag/Runner_20261201-100000-utc.log", """
            [\(now) INFO RunnerServer] Establish connection with 60 seconds timeout.
            [\(now) INFO MessageListener] The session for this runner already exists.
            [\(now) ERR  Terminal] WRITE ERROR: A session for this runner already exists.

            """)
        let finding = try top(project, "production")
        #expect(finding["code"] as? String == "runner_session_conflict")
        #expect((finding["evidence"] as? [[String: Any]])?.contains { ($0["source"] as? String) == "runner_log:Runner_20261201-100000-utc.log" } == true)
        let explicit = try top(project, "production", "--runner-logs", "runner/_diag")
        #expect(explicit["code"] as? String == "runner_session_conflict")
        let wrong = try GantryBinary.run(["diagnose", "production", "--runner-logs", "no/such/dir"], in: project.directory)
        #expect(wrong.status == 2 && wrong.stderr.contains("no/such/dir"), "\(wrong.output)")
    }

    @Test("the evidence bundle: manifest sums check, and no secret of the run appears anywhere in it")
    func bundle() throws {
        let secret = "tok-4c1e-b7aa-secret"
        let extra = """
                rollback: { command: ["true"] }
                checks:
                  - { name: api, http: { url: "http://127.0.0.1:1/health", headers: { Authorization: "Bearer literal-header-token" } } }
            """
        let project = try Project(config: shellConfig("echo \"calling the API with $DEPLOY_TOKEN\"; echo 'No space left on device'; exit 1", extra: extra, secrets: true))
        let environment = ["DEPLOY_TOKEN": secret]
        #expect(try project.gantry("deploy", "production", "--release", "1.0", environment: environment).status != 0)
        let result = try GantryBinary.run(["diagnose", "production", "--bundle", "evidence.tar.gz"], in: project.directory, environment: environment)
        #expect(result.status == 0, "\(result.output)")
        let unpack = project.directory.appendingPathComponent("unpacked")
        try FileManager.default.createDirectory(at: unpack, withIntermediateDirectories: true)
        let untar = try Tool.run(["/usr/bin/tar", "-xzf", project.directory.appendingPathComponent("evidence.tar.gz").path, "-C", unpack.path])
        try #require(untar.status == 0, "\(untar.output)")
        let root = unpack.appendingPathComponent("evidence")
        let names = try FileManager.default.contentsOfDirectory(atPath: root.path).sorted()
        #expect(names == ["SHA256SUMS", "checks.json", "deployment.json", "findings.json", "gantry.yml", "machine.txt", "output.txt", "runner-evidence.txt"])
        let sums = try Tool.run(["/usr/bin/sha256sum", "-c", "SHA256SUMS"], in: root)
        #expect(sums.status == 0, "\(sums.output)")
        for name in names {
            let text = try String(contentsOf: root.appendingPathComponent(name), encoding: .utf8)
            #expect(!text.contains(secret), "\(name) holds the secret")
            #expect(!text.contains("literal-header-token"), "\(name) holds a header credential written in the config")
        }
        let output = try String(contentsOf: root.appendingPathComponent("output.txt"), encoding: .utf8)
        #expect(output.contains("calling the API with ***"))
    }
}
