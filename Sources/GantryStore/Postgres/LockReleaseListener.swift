import GantryCore
import Logging
import PostgresNIO
import Synchronization

/// Wakes the waiter that is next in line the moment a lease is released, instead of letting it
/// sleep out its poll interval.
///
/// A trigger on `gantry_locks` sends, on the `gantry_lock_released` channel, the environment
/// and the head of its queue whenever a held lease is released (migration 2). One listening
/// connection per process, opened the first time the process has to wait, delivers those
/// notifications to the waiters parked here. Only the named waiter wakes (all of them when the
/// queue was empty), so a release does not send every queued process to the database at once.
/// Notifications are only a hint: a waiter that misses one (the connection was being
/// re-established, the head it names has died) still wakes at its poll interval.
final class LockReleaseListener: Sendable {
    static let channel = "gantry_lock_released"

    private enum Entry {
        /// Registered, its continuation not yet stored.
        case pending(environment: String, waiter: String)
        case waiting(environment: String, waiter: String, CheckedContinuation<Void, Never>)
        /// Woken or cancelled before its continuation was stored.
        case done
    }

    private struct State {
        var listening: Task<Void, Never>?
        var entries: [UInt64: Entry] = [:]
        var nextID: UInt64 = 0
    }

    private let state = Mutex(State())
    private let client: PostgresClient
    private let logger: Logger

    init(client: PostgresClient, logger: Logger) {
        self.client = client
        self.logger = logger
    }

    deinit {
        state.withLock { $0.listening?.cancel() }
    }

    /// Returns after `timeout` on `clock`, or earlier when the lease of `environment` is
    /// released with `waiter` next in line. Throws `CancellationError` when cancelled.
    func wait(environment: String, waiter: String, timeout: Duration, clock: any GantryClock) async throws {
        startListening()
        try await withThrowingTaskGroup(of: Void.self) { group in
            group.addTask { try await clock.sleep(for: timeout) }
            group.addTask { await self.released(environment: environment, waiter: waiter) }
            try await group.next()
            group.cancelAll()
        }
        try Task.checkCancellation()
    }

    /// Parks until a notification names this waiter, or until the task is cancelled.
    private func released(environment: String, waiter: String) async {
        let id = state.withLock { state in
            state.nextID += 1
            state.entries[state.nextID] = .pending(environment: environment, waiter: waiter)
            return state.nextID
        }
        await withTaskCancellationHandler {
            await withCheckedContinuation { (continuation: CheckedContinuation<Void, Never>) in
                let resumeNow = state.withLock { state in
                    guard case .pending = state.entries[id] else {
                        state.entries[id] = nil
                        return true
                    }
                    state.entries[id] = .waiting(environment: environment, waiter: waiter, continuation)
                    return false
                }
                if resumeNow { continuation.resume() }
            }
        } onCancel: {
            let continuation = state.withLock { state -> CheckedContinuation<Void, Never>? in
                switch state.entries[id] {
                case .waiting(_, _, let continuation):
                    state.entries[id] = nil
                    return continuation
                case .pending:
                    state.entries[id] = .done
                    return nil
                case .done, nil:
                    return nil
                }
            }
            continuation?.resume()
        }
    }

    /// How many waiters are parked here now.
    var parked: Int {
        state.withLock { $0.entries.count }
    }

    /// A notification's payload is `environment`, a newline and the deployment id at the head
    /// of the queue (empty when nobody was queued).
    func deliver(_ payload: String) {
        let parts = payload.split(separator: "\n", maxSplits: 1, omittingEmptySubsequences: false)
        let environment = String(parts[0])
        let head = parts.count > 1 ? String(parts[1]) : ""
        let woken = state.withLock { state -> [CheckedContinuation<Void, Never>] in
            var woken: [CheckedContinuation<Void, Never>] = []
            for (id, entry) in state.entries {
                switch entry {
                case .pending(let env, let waiter) where env == environment && (head.isEmpty || waiter == head):
                    state.entries[id] = .done
                case .waiting(let env, let waiter, let continuation) where env == environment && (head.isEmpty || waiter == head):
                    state.entries[id] = nil
                    woken.append(continuation)
                default:
                    break
                }
            }
            return woken
        }
        for continuation in woken { continuation.resume() }
    }

    /// Opens the listening connection once per process and keeps it open, reconnecting after
    /// the server went away. It holds one of the pool's connections for as long as it runs.
    private func startListening() {
        state.withLock { state in
            guard state.listening == nil else { return }
            state.listening = Task { [weak self, client] in
                while !Task.isCancelled {
                    do {
                        try await client.withConnection { connection in
                            try await connection.listen(on: Self.channel) { notifications in
                                for try await notification in notifications {
                                    self?.deliver(notification.payload)
                                }
                            }
                        }
                    } catch {
                        self?.logger.debug("listening for lease releases failed: \(error)")
                    }
                    try? await Task.sleep(for: .seconds(1))
                }
            }
        }
    }
}
