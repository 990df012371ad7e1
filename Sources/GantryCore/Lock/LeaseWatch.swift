import Foundation
import Synchronization

/// The link between a deployment's lease renewer and the guards of the commands it runs.
///
/// The renewer reports each confirmed renewal; every guard currently running gets it as a
/// heartbeat. A guard that stops hearing (the holder is frozen, cut off from the store, or
/// dead) stops its command on its own, which is what makes a lost lease safe.
package final class LeaseWatch: Sendable {
    private struct State {
        var sentAt: UInt64
        var lost = false
        var listeners: [UUID: AsyncStream<LeaseBeat>.Continuation] = [:]
    }

    private let state: Mutex<State>

    /// - Parameter sentAt: when the request that took the lease was sent (boot-time clock, ns).
    package init(sentAt: UInt64) {
        state = Mutex(State(sentAt: sentAt))
    }

    /// The newest confirmed renewal's send time (monotonic ns).
    package var lastConfirmed: UInt64 { state.withLock { $0.sentAt } }
    package var isLost: Bool { state.withLock { $0.lost } }

    /// Reports a confirmed renewal; older reports than the newest known are ignored.
    package func confirm(sentAt: UInt64) {
        let listeners: [AsyncStream<LeaseBeat>.Continuation] = state.withLock { state in
            guard !state.lost, sentAt > state.sentAt else { return [] }
            state.sentAt = sentAt
            return Array(state.listeners.values)
        }
        for listener in listeners { listener.yield(.renewed(sentAt: sentAt)) }
    }

    /// Reports that the lease is gone; every guard stops its command.
    package func lose() {
        let listeners: [AsyncStream<LeaseBeat>.Continuation] = state.withLock { state in
            guard !state.lost else { return [] }
            state.lost = true
            return Array(state.listeners.values)
        }
        for listener in listeners { listener.yield(.lost) }
    }

    /// Beats from now on, starting with the current state, until the stream is dropped.
    package func beats() -> AsyncStream<LeaseBeat> {
        let (stream, continuation) = AsyncStream<LeaseBeat>.makeStream(bufferingPolicy: .bufferingNewest(8))
        let key = UUID()
        let current: LeaseBeat = state.withLock { state in
            state.listeners[key] = continuation
            return state.lost ? .lost : .renewed(sentAt: state.sentAt)
        }
        continuation.yield(current)
        continuation.onTermination = { [weak self] _ in
            self?.state.withLock { _ = $0.listeners.removeValue(forKey: key) }
        }
        return stream
    }
}
