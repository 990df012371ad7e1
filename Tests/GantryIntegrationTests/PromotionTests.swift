import Foundation
import Testing

/// `promote_from` through the gantry command, on SQLite and on the shared PostgreSQL: a
/// release reaches production only after it soaked in staging, or by a recorded break glass.
@Suite("promotion from staging", .serialized)
struct PromotionTests {
    func config(_ state: String) -> String {
        """
        version: 1
        \(state)
        environments:
          staging:
            deploy: { command: [/bin/sh, -c, 'echo "$0" >> staging.log', "{release}"] }
          production:
            promote_from: { environment: staging, soak: 2s }
            deploy: { command: [/bin/sh, -c, 'echo "$0" >> production.log', "{release}"] }
        """
    }

    @Test("production refuses a release until it soaked in staging (exit 3, not_promoted, saying what is missing); --skip-promotion deploys anyway, recorded", arguments: SharedStore.available)
    func gate(_ store: SharedStore) throws {
        let (state, environment) = try store.make()
        let project = try Project(config: config(state))
        let never = try project.gantry("deploy", "production", "--release", "1.0", environment: environment)
        #expect(never.status == 3, "\(never.output)")
        #expect(never.output.contains("1.0 never ran in staging"), "\(never.output)")
        #expect(never.output.contains("--skip-promotion --reason TEXT deploys anyway"), "\(never.output)")
        #expect(project.read("production.log") == nil, "nothing ran")
        let planned = try project.gantry("plan", "production", "--release", "1.0", environment: environment)
        #expect(planned.stdout.contains("promotion: refused: 1.0 never ran in staging; this deploy would be refused"), "\(planned.output)")
        #expect(try project.gantry("deploy", "staging", "--release", "1.0", environment: environment).status == 0)
        let soaking = try project.gantry("deploy", "production", "--release", "1.0", "--json", "--wait", "0s", environment: environment)
        #expect(soaking.status == 3, "\(soaking.output)")
        let refused = try JSONSerialization.jsonObject(with: Data(soaking.stdout.utf8)) as? [String: Any]
        #expect(refused?["reason_code"] as? String == "not_promoted", "\(soaking.stdout)")
        #expect((refused?["reason"] as? String)?.contains("1.0 has been live in staging for") == true, "\(soaking.stdout)")
        let waiting = try project.json("status", "production", environment: environment)
        let soakingGate = ((waiting["environments"] as? [[String: Any]])?.first?["promotion"]) as? [String: Any]
        #expect(soakingGate?["from"] as? String == "staging", "\(waiting)")
        #expect(soakingGate?["candidate"] as? String == "1.0")
        #expect(soakingGate?["ready"] as? Bool == false)
        #expect((soakingGate?["reason"] as? String)?.contains("has been live in staging for") == true)
        // With --wait (10m by default) longer than the rest of the soak, the deploy waits for it.
        let promoted = try project.gantry("deploy", "production", "--release", "1.0", environment: environment)
        #expect(promoted.status == 0, "\(promoted.output)")
        #expect(promoted.output.contains("to soak in staging (--wait)"), "\(promoted.output)")
        #expect(project.read("production.log") == "1.0\n")
        let readyStatus = try project.gantry("status", "production", environment: environment)
        #expect(readyStatus.stdout.contains("promotion:  from staging after 2s: 1.0 is ready"), "\(readyStatus.stdout)")
        let ready = try project.gantry("plan", "production", "--release", "1.0", environment: environment)
        #expect(ready.stdout.contains("promotion: 1.0 was verified in staging and soaked 2s there"), "\(ready.output)")
        // Break glass needs a reason, and is recorded with it.
        #expect(try project.gantry("deploy", "production", "--release", "1.1", "--skip-promotion", environment: environment).status == 2)
        let forced = try project.gantry("deploy", "production", "--release", "1.1", "--skip-promotion", "--reason", "hotfix for the outage", environment: environment)
        #expect(forced.status == 0, "\(forced.output)")
        let shown = try project.gantry("show", "production", environment: environment)
        #expect(shown.stdout.contains("promotion gate skipped by"), "\(shown.stdout)")
        #expect(shown.stdout.contains("hotfix for the outage"), "\(shown.stdout)")
    }

    @Test("promote_from must name another environment of the file")
    func unknownSource() throws {
        let project = try Project(config: """
            version: 1
            environments:
              production:
                promote_from: { environment: stagign, soak: 30m }
                deploy: { command: ["true"] }
            """)
        let result = try project.gantry("validate")
        #expect(result.status == 2, "\(result.output)")
        #expect(result.output.contains("no environment 'stagign' to promote from"), "\(result.output)")
    }
}
