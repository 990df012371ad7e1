import Synchronization

/// Runs work with a deadline that always fires.
///
/// The work runs in its own task and is cancelled when the deadline passes or the caller is
/// cancelled, but it is not awaited: a probe stuck in a DNS lookup or on a half-open
/// connection that ignores cancellation cannot hold its caller past the deadline.
package enum Deadline {
    /// The work's result, or nil when it did not finish within `timeout` (measured on
    /// `clock`) or the calling task was cancelled first.
    package static func run<T: Sendable>(_ timeout: Duration, clock: any GantryClock = SystemClock(), _ work: @escaping @Sendable () async -> T) async -> T? {
        let race = Race<T>()
        return await withTaskCancellationHandler {
            await withCheckedContinuation { (continuation: CheckedContinuation<T?, Never>) in
                race.install(continuation)
                race.adopt(Task { race.finish(await work()) })
                race.adopt(Task {
                    // Cancelled (the work won): nothing to finish.
                    guard (try? await clock.sleep(for: timeout)) != nil else { return }
                    race.finish(nil)
                })
            }
        } onCancel: {
            race.finish(nil)
        }
    }

    /// The work's result, or nil once `stop` returns first; the same guarantees as `run`,
    /// with an event instead of a timer.
    package static func first<T: Sendable>(_ work: @escaping @Sendable () async -> T, or stop: @escaping @Sendable () async -> Void) async -> T? {
        let race = Race<T>()
        return await withCheckedContinuation { (continuation: CheckedContinuation<T?, Never>) in
            race.install(continuation)
            race.adopt(Task { race.finish(await work()) })
            race.adopt(Task {
                await stop()
                race.finish(nil)
            })
        }
    }
}

/// The first of several results wins; the losers' tasks are cancelled.
private final class Race<T: Sendable>: Sendable {
    private struct State {
        var continuation: CheckedContinuation<T?, Never>?
        var done = false
        var result: T?
        var tasks: [Task<Void, Never>] = []
    }

    private let state = Mutex(State())

    func install(_ continuation: CheckedContinuation<T?, Never>) {
        let finished: (Bool, T?) = state.withLock { state in
            if state.done { return (true, state.result) }
            state.continuation = continuation
            return (false, nil)
        }
        if finished.0 { continuation.resume(returning: finished.1) }
    }

    func adopt(_ task: Task<Void, Never>) {
        let cancel = state.withLock { state in
            if state.done { return true }
            state.tasks.append(task)
            return false
        }
        if cancel { task.cancel() }
    }

    func finish(_ value: T?) {
        let (continuation, tasks): (CheckedContinuation<T?, Never>?, [Task<Void, Never>]) = state.withLock { state in
            guard !state.done else { return (nil, []) }
            state.done = true
            state.result = value
            let continuation = state.continuation
            state.continuation = nil
            let tasks = state.tasks
            state.tasks = []
            return (continuation, tasks)
        }
        continuation?.resume(returning: value)
        for task in tasks { task.cancel() }
    }
}
