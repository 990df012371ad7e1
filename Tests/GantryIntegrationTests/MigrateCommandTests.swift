import Foundation
import Testing

/// `gantry migrate`, as a team upgrading with `GANTRY_MIGRATE=never` runs it, on both stores.
@Suite("gantry migrate")
struct MigrateCommandTests {
    /// "schema migrated from version A to B" or "schema version B, up to date": (A, B).
    static func versions(_ output: String) -> (Int, Int)? {
        let numbers = output.split(whereSeparator: { !$0.isNumber }).compactMap { Int($0) }
        if output.contains("migrated from version"), numbers.count >= 2 { return (numbers[numbers.count - 2], numbers[numbers.count - 1]) }
        if output.contains("up to date"), let last = numbers.last { return (last, last) }
        return nil
    }

    @Test("SQLite: a new store is created at the latest version, a second run finds it up to date, and deploys can use it")
    func sqlite() throws {
        let project = try Project(config: shellConfig("true"))
        let first = try project.gantry("migrate")
        #expect(first.status == 0, "\(first.stderr)")
        let (from, to) = try #require(Self.versions(first.stdout), "\(first.stdout)")
        #expect(from == 0 && to > 0, "\(first.stdout)")
        #expect(first.stdout.hasPrefix("sqlite:"))
        let second = try project.gantry("migrate")
        #expect(Self.versions(second.stdout).map { $0 == (to, to) } == true, "\(second.stdout)")
        #expect(try project.gantry("deploy", "production", "--release", "1.0").status == 0)
    }

    @Test("PostgreSQL: the shared schema is migrated under GANTRY_MIGRATE=never only by gantry migrate; the password is never printed", .enabled(if: SharedDatabase.enabled))
    func postgres() throws {
        let (state, environment) = try SharedDatabase.create()
        let project = try Project(config: shellConfig("true").replacingOccurrences(of: "version: 1\n", with: "version: 1\nstate: \"\(state)\"\n"))
        var never = environment
        never["GANTRY_MIGRATE"] = "never"
        let refused = try project.gantry("deploy", "production", "--release", "1.0", environment: never)
        #expect(refused.status != 0, "a deploy migrated the schema under GANTRY_MIGRATE=never")
        let migrated = try project.gantry("migrate", environment: never)
        #expect(migrated.status == 0, "\(migrated.stderr)")
        let (from, to) = try #require(Self.versions(migrated.stdout), "\(migrated.stdout)")
        #expect(from == 0 && to > 0, "\(migrated.stdout)")
        #expect(!migrated.stdout.contains(environment["GANTRY_TEST_PG_PASSWORD"] ?? "\u{0}"))
        #expect(Self.versions(try project.gantry("migrate", environment: never).stdout).map { $0 == (to, to) } == true)
        #expect(try project.gantry("deploy", "production", "--release", "1.0", environment: never).status == 0)
    }
}
