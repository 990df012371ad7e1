public import Foundation

/// Time, injected so that timestamps, durations and waits are testable without sleeping.
public protocol GantryClock: Sendable {
    func now() -> Date
}

/// The machine's clock.
public struct SystemClock: GantryClock {
    public init() {}
    public func now() -> Date { Date() }
}
