import GantryCore
import Testing

@Suite("command resolution")
struct CommandResolverTests {
    let values = PlaceholderValues(release: "1.2.3", environment: "production", inventory: "/srv/app/hosts", deploymentID: "ID", targets: ["a", "b"])

    @Test("placeholders are substituted inside each argument, never joined into a line")
    func perArgument() throws {
        let command = CommandConfig(argv: ["ansible-playbook", "-i", "{inventory}", "deploy.yml", "-e", "version={release} env={environment}"])
        let invocation = try CommandResolver.resolve(command, values: values, directory: "/srv/app", processEnvironment: [:], masker: .none)
        #expect(invocation.argv == ["ansible-playbook", "-i", "/srv/app/hosts", "deploy.yml", "-e", "version=1.2.3 env=production"])
        #expect(invocation.environment["GANTRY_TARGETS"] == "a,b")
        #expect(invocation.environment["GANTRY_RELEASE"] == "1.2.3")
        #expect(invocation.workingDirectory == "/srv/app")
    }

    @Test("a relative program resolves against the config directory; a bare name stays for PATH")
    func programPaths() throws {
        let relative = try CommandResolver.resolve(CommandConfig(argv: ["./bin/../deploy.sh"]), values: values, directory: "/srv/app", processEnvironment: [:], masker: .none)
        #expect(relative.argv[0] == "/srv/app/deploy.sh")
        let bare = try CommandResolver.resolve(CommandConfig(argv: ["make"]), values: values, directory: "/srv/app", processEnvironment: [:], masker: .none)
        #expect(bare.argv[0] == "make")
    }

    @Test("with a shell, substituted values are quoted")
    func shellQuoting() throws {
        let hostile = PlaceholderValues(release: "1.0", environment: "p", inventory: "/tmp/it's; rm -rf ~", deploymentID: "ID", targets: [])
        let invocation = try CommandResolver.resolve(CommandConfig(argv: ["deploy -i {inventory}"], shell: true), values: hostile, directory: "/", processEnvironment: [:], masker: .none)
        #expect(invocation.argv == ["/bin/sh", "-c", "deploy -i '/tmp/it'\\''s; rm -rf ~'"])
    }

    @Test("${VAR} values are used but masked in the display")
    func maskedDisplay() throws {
        let masker = SecretMasker(values: ["t0ken"])
        let invocation = try CommandResolver.resolve(CommandConfig(argv: ["curl", "-H", "Authorization: ${TOKEN}"]), values: values, directory: "/", processEnvironment: ["TOKEN": "t0ken"], masker: masker)
        #expect(invocation.argv[2] == "Authorization: t0ken")
        #expect(invocation.display[2] == "Authorization: ***")
    }

    @Test("a missing variable is reported by name")
    func missingVariable() {
        #expect(throws: Interpolation.MissingVariable(name: "NOPE")) {
            try CommandResolver.resolve(CommandConfig(argv: ["x", "${NOPE}"]), values: values, directory: "/", processEnvironment: [:], masker: .none)
        }
    }
}
