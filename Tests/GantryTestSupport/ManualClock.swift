package import Foundation
import GantryCore

/// A clock that moves only when a test says so: a sleep waits until `advance(by:)` carries
/// time past its end (or its task is cancelled). Timing tests use it to say "the deadline
/// passes now" instead of sleeping and measuring wall time, so a loaded machine makes them
/// slower, never wrong.
package final class ManualClock: GantryClock, @unchecked Sendable {
    private enum Sleeper {
        case waiting(until: Int64, CheckedContinuation<Void, any Error>)
        case cancelled
    }

    private let lock = NSLock()
    private let origin: Date
    /// Nanoseconds since `origin`.
    private var elapsed: Int64 = 0
    private var sleepers: [UInt64: Sleeper] = [:]
    private var nextID: UInt64 = 0
    private var started = 0

    package init(at origin: Date = Date(timeIntervalSince1970: 1_795_000_000)) {
        self.origin = origin
    }

    package func now() -> Date {
        lock.withLock { origin.addingTimeInterval(Double(elapsed) / 1e9) }
    }

    package func monotonicNanoseconds() -> UInt64 {
        lock.withLock { 1_000_000_000 + UInt64(elapsed) }
    }

    package func sleep(for duration: Duration) async throws {
        let id: UInt64 = lock.withLock {
            nextID += 1
            started += 1
            return nextID
        }
        let length = duration.components.seconds * 1_000_000_000 + duration.components.attoseconds / 1_000_000_000
        try await withTaskCancellationHandler {
            try await withCheckedThrowingContinuation { (continuation: CheckedContinuation<Void, any Error>) in
                let answer: Result<Void, any Error>? = lock.withLock {
                    if case .cancelled = sleepers[id] {
                        sleepers[id] = nil
                        return .failure(CancellationError())
                    }
                    if length <= 0 { return .success(()) }
                    sleepers[id] = .waiting(until: elapsed + length, continuation)
                    return nil
                }
                if let answer { continuation.resume(with: answer) }
            }
        } onCancel: {
            let continuation: CheckedContinuation<Void, any Error>? = lock.withLock {
                if case .waiting(_, let continuation) = sleepers[id] {
                    sleepers[id] = nil
                    return continuation
                }
                sleepers[id] = .cancelled
                return nil
            }
            continuation?.resume(throwing: CancellationError())
        }
    }

    /// Moves time on by `duration` and wakes every sleeper whose end it reached.
    package func advance(by duration: Duration) {
        let due: [CheckedContinuation<Void, any Error>] = lock.withLock {
            elapsed += duration.components.seconds * 1_000_000_000 + duration.components.attoseconds / 1_000_000_000
            var due: [CheckedContinuation<Void, any Error>] = []
            for (id, sleeper) in sleepers {
                if case .waiting(let until, let continuation) = sleeper, until <= elapsed {
                    sleepers[id] = nil
                    due.append(continuation)
                }
            }
            return due
        }
        for continuation in due { continuation.resume() }
    }

    /// How many sleeps are waiting for time to move.
    package var waiting: Int {
        lock.withLock { sleepers.values.filter { if case .waiting = $0 { true } else { false } }.count }
    }

    /// How many sleeps were ever started: tells one timer from the next when code sets them
    /// in a known order.
    package var sleepsStarted: Int {
        lock.withLock { started }
    }

    /// Waits (in real time, at most `limit`) until at least `count` sleeps wait: the code
    /// under test has reached its timers. False when it never did.
    @discardableResult
    package func untilWaiting(_ count: Int = 1, limit: Duration = .seconds(30)) async -> Bool {
        await until(limit: limit) { self.waiting >= count }
    }

    /// Waits (in real time, at most `limit`) until `condition` holds; false when it never did.
    package func until(limit: Duration = .seconds(30), _ condition: () -> Bool) async -> Bool {
        let deadline = ContinuousClock.now + limit
        while !condition() {
            if ContinuousClock.now > deadline { return false }
            try? await Task.sleep(for: .milliseconds(1))
        }
        return true
    }
}
