/// Keeps a held lease alive: renews it every third of its length until cancelled.
///
/// A renewal the store could not answer (a database restart, a dropped connection) is
/// retried every second: giving up at the first error would let the lease lapse under a
/// running deploy and a waiting one take over. Only an answer that the lease is gone (taken
/// over, or expired by the store's clock) ends the renewals.
///
/// It runs as an unstructured task on purpose: it must outlive the cancellation of the
/// deployment task (an interrupted deployment still rolls back under its lease) and is
/// cancelled explicitly when the deployment releases the lock.
package enum LeaseRenewer {
    package static func start(store: any StateStore, environment: String, token: FencingToken, lease: Duration, clock: any GantryClock) -> Task<Void, Never> {
        Task {
            var wait = lease / 3
            while true {
                do {
                    try await Task.sleep(for: wait)
                } catch {
                    return
                }
                do {
                    guard try await store.renewLock(environment: environment, token: token, ttl: lease, now: clock.now()) != nil else { return }
                    wait = lease / 3
                } catch {
                    wait = min(.seconds(1), lease / 3)
                }
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
