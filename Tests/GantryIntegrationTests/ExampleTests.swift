import Foundation
import Testing

/// The configurations shipped under examples/ must stay valid as the config format grows.
@Suite("shipped examples")
struct ExampleTests {
    static let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()

    @Test("each example gantry.yml validates", arguments: ["examples/demo/gantry.yml", "examples/github/gantry.yml", "examples/ansible/gantry.yml"])
    func validates(_ path: String) throws {
        let result = try GantryBinary.run(["validate", "-c", path], in: Self.root)
        #expect(result.status == 0, "\(result.output)")
    }

    @Test("the example's host fence: a deploy switches under its lease's token, a stale token is refused and changes nothing", arguments: SharedStore.available)
    func hostFence(_ store: SharedStore) throws {
        let (state, environment) = try store.make()
        let fence = Self.root.appendingPathComponent("examples/ansible/files/gantry-fence").path
        // The deploy command switches `current` through the fence with its GANTRY_FENCING_TOKEN.
        let project = try Project(config: """
            version: 1
            \(state)
            environments:
              production:
                deploy:
                  command: [/bin/sh, -c, 'mkdir -p "releases/$1" && exec "$0" state "$GANTRY_FENCING_TOKEN" switch current "releases/$1"', \(fence), "{release}"]
            """)
        #expect(try project.gantry("deploy", "production", "--release", "1.0", environment: environment).status == 0)
        let first = try #require(project.read("state/fence").flatMap { Int64($0.trimmingCharacters(in: .whitespacesAndNewlines)) })
        let second = try project.gantry("deploy", "production", "--release", "2.0", environment: environment)
        #expect(second.status == 0, "\(second.output)")
        let latest = try #require(project.read("state/fence").flatMap { Int64($0.trimmingCharacters(in: .whitespacesAndNewlines)) })
        #expect(latest > first)
        let current = project.directory.appendingPathComponent("current").path
        #expect(try FileManager.default.destinationOfSymbolicLink(atPath: current) == "releases/2.0")

        func fenced(_ token: String, _ release: String) throws -> (status: Int32, stderr: String) {
            let process = Process()
            process.executableURL = URL(fileURLWithPath: fence)
            process.arguments = ["state", token, "switch", "current", "releases/\(release)"]
            process.currentDirectoryURL = project.directory
            let errors = Pipe()
            process.standardError = errors
            try process.run()
            let text = String(decoding: errors.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
            process.waitUntilExit()
            return (process.terminationStatus, text)
        }
        // The first deploy's holder thawing late: refused, the host left as the newer one made it.
        let stale = try fenced(String(first), "1.0")
        #expect(stale.status == 75)
        #expect(stale.stderr.contains("refused: lease token \(first) is older than \(latest)"), "\(stale.stderr)")
        #expect(try FileManager.default.destinationOfSymbolicLink(atPath: current) == "releases/2.0")
        #expect(project.read("state/fence")?.hasPrefix("\(latest)") == true)
        // Not a number: refused as bad input. No token (a run by hand): not fenced.
        #expect(try fenced("12a", "1.0").status == 2)
        #expect(try fenced("", "1.0").status == 0)
        #expect(try FileManager.default.destinationOfSymbolicLink(atPath: current) == "releases/1.0")
    }

    @Test("the example workflow sends the deploy job to the runner select-runner chose, one run per environment")
    func workflow() throws {
        let text = try String(contentsOf: Self.root.appendingPathComponent("examples/github/deploy.yml"), encoding: .utf8)
        #expect(text.contains("run: gantry select-runner \"$ENVIRONMENT\""))
        #expect(text.contains("runs-on: ${{ fromJSON(needs.gate.outputs.labels) }}"))
        #expect(text.contains("group: deploy-${{ inputs.environment }}\n      cancel-in-progress: false"))
        #expect(text.contains("GANTRY_RUNNER: ${{ needs.gate.outputs.runner-name }}"))
    }
}
