import Foundation
import Testing

/// `retry: { on_retry: rollback }` through the gantry command, on SQLite and the shared
/// PostgreSQL: the next attempt starts only from the last good release, verified.
@Suite("rollback between retries", .serialized)
struct RetryRollbackTests {
    func config(_ state: String) -> String {
        """
        version: 1
        \(state)
        environments:
          production:
            deploy: { command: [/bin/sh, -c, 'if [ "$0" = 2.0 ] && [ ! -e tried ]; then touch tried; exit 75; fi; echo "deploy $0" >> steps.log', "{release}"] }
            rollback: { command: [/bin/sh, -c, 'echo "rollback $0" >> steps.log', "{release}"] }
            retry: { attempts: 2, retry_on: ["exit:75"], on_retry: rollback, backoff: 0s }
        """
    }

    @Test("a failed attempt is rolled back to the last good release and verified before the next; show tells every step", arguments: SharedStore.available)
    func betweenAttempts(_ store: SharedStore) throws {
        let (state, environment) = try store.make()
        let project = try Project(config: config(state))
        #expect(try project.gantry("deploy", "production", "--release", "1.0", environment: environment).status == 0)
        let deployed = try project.gantry("deploy", "production", "--release", "2.0", environment: environment)
        #expect(deployed.status == 0, "\(deployed.output)")
        #expect(project.read("steps.log") == "deploy 1.0\nrollback 1.0\ndeploy 2.0\n")
        let shown = try project.gantry("show", "production", environment: environment)
        let journal = shown.stdout
        let order = ["deploy exited with status 75", "rollback attempt 1:", "rollback exited with status 0", "verification started", "deploy attempt 2:"]
        let positions = order.compactMap { journal.range(of: $0)?.lowerBound }
        #expect(positions.count == order.count && positions == positions.sorted(), "\(journal)")
    }

    @Test("on_retry: rollback with rollout: is a configuration error")
    func notWithRollout() throws {
        let project = try Project(config: """
            version: 1
            environments:
              production:
                targets: [a, b]
                deploy: { command: ["true"] }
                rollback: { command: ["true"] }
                retry: { attempts: 2, retry_on: [timeout], on_retry: rollback }
                rollout: { batches: [1, "100%"] }
            """)
        let result = try project.gantry("validate")
        #expect(result.status == 2, "\(result.output)")
        #expect(result.output.contains("on_retry: rollback cannot be combined with rollout:"), "\(result.output)")
    }
}
