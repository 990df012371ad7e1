import Foundation

/// Keeps a held lease alive: renews it every third of its length until cancelled, and tells
/// the lease guards of running commands (through `watch`) about every renewal the store
/// confirmed, or that the lease is lost.
///
/// A renewal the store could not answer (a database restart, a dropped connection) is
/// retried every second: giving up at the first error would let the lease lapse under a
/// running deploy and a waiting one take over. Each attempt is bounded by a third of the
/// lease, so a connection that silently drops packets cannot hold the renewals up. Only an
/// answer that the lease is gone (taken over, or expired by the store's clock) ends them.
///
/// It runs as an unstructured task on purpose: it must outlive the cancellation of the
/// deployment task (an interrupted deployment still rolls back under its lease) and is
/// cancelled explicitly when the deployment releases the lock.
///
/// `clock` stamps the renewals (the store's `now`) and the watch's send times; `timer`
/// paces them and bounds each attempt: the machine's clock in production, a manual one in
/// tests, which move it renewal by renewal instead of sleeping.
package enum LeaseRenewer {
    package static func start(
        store: any StateStore, environment: String, token: FencingToken, lease: Duration, clock: any GantryClock, timer: any GantryClock = SystemClock(),
        watch: LeaseWatch? = nil
    ) -> Task<Void, Never> {
        Task {
            // Renewals are due every third of the lease counted from each one's *send*, so a
            // slow store does not push the next one later; an attempt is abandoned after a
            // third of the lease, and a failed one is retried within a second.
            // The first is due a third of the lease after the request that took it was sent,
            // not after that request came back: a slow acquisition must not leave the guards
            // counting from an old send while the renewer waits a whole third.
            let schedule = RenewalSchedule(lease: lease)
            let now = clock.monotonicNanoseconds()
            let age = watch.map { Duration.nanoseconds(Int64(clamping: now &- min($0.lastConfirmed, now))) } ?? .zero
            func instant() -> Duration { .nanoseconds(Int64(clamping: timer.monotonicNanoseconds())) }
            var due: Duration? = schedule.first(now: instant(), age: age)
            while let next = due {
                do {
                    try await timer.sleep(for: max(.zero, next - instant()))
                } catch {
                    return
                }
                let started = instant()
                let answer = await renewOnce(store: store, environment: environment, token: token, lease: lease, clock: clock, timer: timer, watch: watch)
                if Task.isCancelled { return }
                due = schedule.next(after: answer, started: started, now: instant())
            }
        }
    }
}

extension LeaseRenewer {
    /// One renewal, bounded by a third of the lease, reported to `watch` with the time it
    /// was *sent*: what the renewer does every third of the lease, and what a deployment does
    /// before a command starts on a stale confirmation.
    static func renewOnce(
        store: any StateStore, environment: String, token: FencingToken, lease: Duration, clock: any GantryClock, timer: any GantryClock = SystemClock(), watch: LeaseWatch?
    ) async -> RenewalSchedule.Answer {
        let sentAt = clock.monotonicNanoseconds()
        let answer: Result<Lease?, StoreError>? = await Deadline.run(RenewalSchedule(lease: lease).attemptBound, clock: timer) {
            do throws(StoreError) {
                return .success(try await store.renewLock(environment: environment, token: token, ttl: lease, now: clock.now()))
            } catch {
                return .failure(error)
            }
        }
        switch answer {
        case .success(.some):
            watch?.confirm(sentAt: sentAt)
            return .confirmed
        case .success(.none):
            watch?.lose()
            return .lost
        case .failure, .none:
            return .noAnswer
        }
    }
}
