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

    @Test("the example workflow sends the deploy job to the runner select-runner chose, one run per environment")
    func workflow() throws {
        let text = try String(contentsOf: Self.root.appendingPathComponent("examples/github/deploy.yml"), encoding: .utf8)
        #expect(text.contains("run: gantry select-runner \"$ENVIRONMENT\""))
        #expect(text.contains("runs-on: ${{ fromJSON(needs.gate.outputs.labels) }}"))
        #expect(text.contains("group: deploy-${{ inputs.environment }}\n      cancel-in-progress: false"))
        #expect(text.contains("GANTRY_RUNNER: ${{ needs.gate.outputs.runner-name }}"))
    }
}
