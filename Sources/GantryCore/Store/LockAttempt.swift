/// The answer to a lock request.
package enum LockAttempt: Sendable, Hashable {
    case acquired(Lease)
    /// Someone else holds a live lease.
    case held(Lease)
    /// The lease is free, but a live waiter queued earlier goes first.
    case queuedBehind(LockWaiter)
}
