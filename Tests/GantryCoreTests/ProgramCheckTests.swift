import GantryCore
import Testing

/// Whether the deploy and rollback programs can start here, judged as they will run.
@Suite("the deploy program can start")
struct ProgramCheckTests {
    /// Finds `/opt/tools/bin/ansible-playbook` and `/srv/app/deploy.sh`, nothing else.
    func find(_ name: String, _ path: String) -> String? {
        if name.hasPrefix("/") { return name == "/srv/app/deploy.sh" ? name : nil }
        return path.split(separator: ":").contains("/opt/tools/bin") && name == "ansible-playbook" ? "/opt/tools/bin/\(name)" : nil
    }

    @Test("a path is looked for relative to the config's directory; a name on PATH, the command's own env: PATH first")
    func verdicts() {
        var environment = EnvironmentConfig(name: "production", targets: [], deploy: CommandConfig(argv: ["./deploy.sh", "{release}"]))
        environment.rollback = CommandConfig(argv: ["ansible-playbook", "rollback.yml"])
        let plain = ProgramCheck.verdicts(environment, directory: "/srv/app", path: "/usr/bin:/bin", find: find)
        #expect(plain.map(\.role) == ["deploy", "rollback"])
        #expect(plain[0].found == "/srv/app/deploy.sh")
        #expect(plain[1].found == nil && plain[1].message == "the rollback program ansible-playbook is not on PATH")
        environment.rollback?.environment = ["PATH": "${TOOLS}/bin:/usr/bin"]
        let withPath = ProgramCheck.verdicts(environment, directory: "/srv/app", path: "/usr/bin:/bin", processEnvironment: ["TOOLS": "/opt/tools"], find: find)
        #expect(withPath[1].found == "/opt/tools/bin/ansible-playbook")
        environment.deploy = CommandConfig(argv: ["./gone.sh"])
        #expect(ProgramCheck.verdicts(environment, directory: "/srv/app", path: "", find: find)[0].message
            == "the deploy program ./gone.sh does not exist or is not executable (looked at /srv/app/gone.sh)")
        // A script through the shell, or a program named by a placeholder, is known only when it runs.
        environment.deploy = CommandConfig(argv: ["echo {release}"], shell: true)
        environment.rollback = CommandConfig(argv: ["{inventory}/bin/roll"])
        #expect(ProgramCheck.verdicts(environment, directory: "/srv/app", path: "", find: find).isEmpty)
    }
}
