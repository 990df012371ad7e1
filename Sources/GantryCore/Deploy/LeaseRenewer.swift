/// Keeps a held lease alive: renews it every third of its length until cancelled.
///
/// It runs as an unstructured task on purpose: it must outlive the cancellation of the
/// deployment task (an interrupted deployment still rolls back under its lease) and is
/// cancelled explicitly when the deployment releases the lock.
enum LeaseRenewer {
    static func start(store: any StateStore, environment: String, token: FencingToken, lease: Duration, clock: any GantryClock) -> Task<Void, Never> {
        Task {
            while true {
                do {
                    try await Task.sleep(for: lease / 3)
                } catch {
                    return
                }
                let renewed = try? await store.renewLock(environment: environment, token: token, ttl: lease, now: clock.now())
                if renewed == nil { return }
            }
        }
    }
}

/// Lines to journal once the deployment's record exists.
final class NoteBuffer: @unchecked Sendable {
    private let lock = NSLock()
    private var notes: [String] = []

    func append(_ note: String) { lock.withLock { notes.append(note) } }

    func drain() -> [String] {
        lock.withLock {
            let drained = notes
            notes = []
            return drained
        }
    }
}

import Foundation
