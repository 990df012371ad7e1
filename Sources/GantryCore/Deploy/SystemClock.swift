package import Foundation

/// The machine's clock.
package struct SystemClock: GantryClock {
    package init() {}
    package func now() -> Date { Date() }
    package func sleep(for duration: Duration) async throws { try await Task.sleep(for: duration) }
}
