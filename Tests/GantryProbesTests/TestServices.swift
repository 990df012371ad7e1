import Foundation
import Testing
#if canImport(Glibc)
import Glibc
#endif

/// The services `scripts/test` started, described by `GANTRY_TEST_*` variables. Without
/// them a test is skipped, except under `CI=true`, where it runs and fails: a missing
/// service must never pass silently.
enum TestServices {
    static let environment = ProcessInfo.processInfo.environment
    static var isCI: Bool { environment["CI"] == "true" }

    static func url(_ name: String) -> String? { environment["GANTRY_TEST_\(name)_URL"] }

    /// Whether tests of `name` should run.
    static func enabled(_ name: String) -> Bool { url(name) != nil || isCI }

    static func require(_ name: String) throws -> URLComponents {
        let text = try #require(url(name), "GANTRY_TEST_\(name)_URL is not set: run the tests with scripts/test")
        return try #require(URLComponents(string: text))
    }
}
