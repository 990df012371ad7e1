import Foundation
import Testing

/// `history` pages, `store prune` deletes old deployments without lowering a counter, on
/// both stores.
@Suite("long histories: paging and pruning")
struct LongHistoryTests {
    func config(_ state: String, textfile: String) -> String {
        """
        version: 1
        \(state)
        metrics: { textfile: \(textfile) }
        environments:
          production:
            deploy: { command: [/bin/sh, -c, '[ "$0" != bad ]', "{release}"] }
        """
    }

    func counter(_ text: String, _ series: String) -> Double? {
        text.split(separator: "\n").first { $0.hasPrefix(series + " ") }.flatMap { Double($0.split(separator: " ").last ?? "") }
    }

    @Test("history pages with --before; prune deletes what finished before the age, keeps current and newest, and no counter goes down", arguments: SharedStore.available)
    func pagingAndPruning(store: SharedStore) throws {
        let (state, environment) = try store.make()
        let textfile = FileManager.default.temporaryDirectory.appendingPathComponent("gantry-\(UUID().uuidString).prom").path
        let project = try Project(config: config(state, textfile: textfile))
        for release in ["1.0", "1.1", "bad", "1.2"] {
            _ = try project.gantry("deploy", "production", "--release", release, environment: environment)
        }
        let first = try project.json("history", "production", "--limit", "3", environment: environment)
        let firstPage = try #require(first["deployments"] as? [[String: Any]]).compactMap { $0["release"] as? String }
        #expect(firstPage == ["1.2", "bad", "1.1"])
        let next = try #require(first["next"] as? String)
        let second = try project.json("history", "production", "--limit", "3", "--before", next, environment: environment)
        #expect(try #require(second["deployments"] as? [[String: Any]]).compactMap { $0["release"] as? String } == ["1.0"])
        #expect(second["next"] is NSNull, "a page that is not full has no next")
        let text = try project.gantry("history", "production", "--limit", "3", environment: environment)
        #expect(text.stdout.contains("older: gantry history production --limit 3 --before \(next)"), "\(text.stdout)")
        let refused = try project.gantry("history", "production", "--before", "yesterday", environment: environment)
        #expect(refused.status == 2 && refused.stderr.contains("--before 'yesterday' is not a deployment id"), "\(refused.output)")

        let before = try String(contentsOfFile: textfile, encoding: .utf8)
        let succeeded = #"gantry_deployments_total{environment="production",outcome="succeeded"}"#
        let failed = #"gantry_failures_total{environment="production",code="no_rollback_path"}"#
        #expect(counter(before, succeeded) == 3 && counter(before, failed) == 1, "\(before)")

        Thread.sleep(forTimeInterval: 1.2)
        let pruned = try project.gantry("store", "prune", "--older-than", "1s", environment: environment)
        #expect(pruned.status == 0, "\(pruned.output)")
        // 1.2 is current and newest; the three before it go.
        #expect(pruned.stdout.hasPrefix("deleted 3 deployment(s) that finished before "), "\(pruned.stdout)")
        let left = try #require(try project.json("history", "production", environment: environment)["deployments"] as? [[String: Any]])
        #expect(left.compactMap { $0["release"] as? String } == ["1.2"])
        #expect(try project.gantry("deploy", "production", "--release", "1.2", environment: environment).status == 0, "the live release is still known: skipped")
        let after = try String(contentsOfFile: textfile, encoding: .utf8)
        #expect(counter(after, succeeded) == 3 && counter(after, failed) == 1, "pruning lowered a counter: \(after)")
        #expect(counter(after, #"gantry_deployments_total{environment="production",outcome="skipped"}"#) == 1)
        #expect(after.contains(#"gantry_deployment_duration_seconds_count{environment="production",outcome="succeeded"} 3"#))

        let bad = try project.gantry("store", "prune", "--older-than", "5x", environment: environment)
        #expect(bad.status == 2 && bad.stderr.contains("--older-than '5x' is not an age"), "\(bad.output)")
    }
}
