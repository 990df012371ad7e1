import Foundation
import GantryCore
import Testing

/// docs/configuration.md is generated from the JSON Schema: the reference cannot drift from
/// what `gantry validate`'s schema accepts.
@Suite("the configuration reference")
struct ConfigReferenceTests {
    static let page = URL(fileURLWithPath: #filePath)
        .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
        .appendingPathComponent("docs/configuration.md")

    @Test("the committed docs/configuration.md is what the schema generates")
    func committedPageMatches() throws {
        let committed = try String(contentsOf: Self.page, encoding: .utf8)
        #expect(committed == ConfigReference.markdown(), "docs/configuration.md is stale: run `gantry schema --markdown > docs/configuration.md`")
    }

    @Test("every key has a description and an example")
    func everyKeyIsDocumented() {
        #expect(ConfigReference.incompleteKeys() == [])
    }

    @Test("every section of the schema is on the page, each key in its section's table")
    func sectionsAndKeys() {
        let page = ConfigReference.markdown()
        for heading in ["## Top level", "## serve", "## environments.NAME", "## environments.NAME.retry", "## environments.NAME.checks[]",
                        "## environments.NAME.checks[].http", "## environments.NAME.protect.alertmanager", "## runners[].health[].github",
                        "## A command (deploy, rollback, checks[].command)", "## notify[] (top level and each environment)", "## notify[].webhook"] {
            #expect(page.contains("\n\(heading)\n"), "missing \(heading)")
        }
        #expect(page.contains("| `lease` | duration |"))
        #expect(page.contains("| `deploy` | [command](#a-command-deploy-rollback-checkscommand) | required |"))
        #expect(page.contains("| `on_interrupt` | one of `rollback`, `leave` |"))
    }
}
