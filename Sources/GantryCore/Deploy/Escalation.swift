import Synchronization

/// The second interruption: CI's cancel sequence (SIGINT, SIGTERM a few seconds later, then
/// SIGKILL) leaves gantry about a second after the second signal. Once raised, the engine
/// starts nothing new (no rollback, no verification), abandons checks still running, records
/// `interrupted` with what it knows and releases the lease; the CLI has already killed the
/// command's process group.
package final class Escalation: Sendable {
    private struct State {
        var raised = false
        var waiters: [Int: CheckedContinuation<Void, Never>] = [:]
        var next = 0
    }

    private let state = Mutex(State())

    package init() {}

    package var isRaised: Bool { state.withLock { $0.raised } }

    package func raise() {
        let waiters: [CheckedContinuation<Void, Never>] = state.withLock { state in
            guard !state.raised else { return [] }
            state.raised = true
            let waiters = Array(state.waiters.values)
            state.waiters = [:]
            return waiters
        }
        for waiter in waiters { waiter.resume() }
    }

    /// Returns once raised, or when the calling task is cancelled.
    package func wait() async {
        let key = state.withLock { state -> Int in
            state.next += 1
            return state.next
        }
        await withTaskCancellationHandler {
            await withCheckedContinuation { (continuation: CheckedContinuation<Void, Never>) in
                let now: Bool = state.withLock { state in
                    if state.raised || Task.isCancelled { return true }
                    state.waiters[key] = continuation
                    return false
                }
                if now { continuation.resume() }
            }
        } onCancel: {
            state.withLock { $0.waiters.removeValue(forKey: key) }?.resume()
        }
    }

    /// The work's result, or nil when the escalation comes first (the work is then
    /// cancelled and not awaited).
    func unlessRaised<T: Sendable>(_ work: @escaping @Sendable () async -> T) async -> T? {
        if isRaised { return nil }
        return await Deadline.first(work, or: { await self.wait() })
    }
}
