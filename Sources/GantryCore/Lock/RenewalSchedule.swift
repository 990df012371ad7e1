/// When a holder renews its lease, as a value: due every third of the lease counted from each
/// attempt's start (so a slow store does not push the next one later), an attempt abandoned
/// after a third of the lease, one without an answer retried within a second, and none after
/// the store said the lease is gone. `LeaseRenewer` sleeps until what this says; the lease
/// simulator steps it with simulated clocks.
package struct RenewalSchedule: Sendable, Hashable {
    /// What one renewal attempt came to.
    package enum Answer: Sendable, Hashable {
        /// The store extended the lease.
        case confirmed
        /// The store says the lease is gone.
        case lost
        /// No answer within `attemptBound`, or an error: try again soon.
        case noAnswer
    }

    package let lease: Duration

    package init(lease: Duration) {
        self.lease = lease
    }

    /// How often a held lease is renewed.
    package var interval: Duration { lease / 3 }

    /// How long one attempt may take before it counts as no answer.
    package var attemptBound: Duration { lease / 3 }

    /// The first renewal: a third of the lease after the request that took it was *sent*
    /// (`age` ago at `now`), not after that request came back, so a slow acquisition does not
    /// leave the guards counting from an old send while the renewer waits a whole third.
    package func first(now: Duration, age: Duration) -> Duration {
        now + max(.zero, interval - age)
    }

    /// Whether a command about to start should first have the lease renewed once: the newest
    /// confirmed send is more than `interval` old (a deployment slowed by a loaded machine or
    /// store), so the command would start with less than two thirds of a lease ahead of its
    /// guard. `LeaseSession.freshen` acts on it before every command; the simulator too.
    package func freshenDue(sinceConfirmed: Duration) -> Bool {
        sinceConfirmed > interval
    }

    /// When the next attempt is due after one that started at `started` and ended at `now`
    /// with `answer`; nil when the lease is gone and renewing ends.
    package func next(after answer: Answer, started: Duration, now: Duration) -> Duration? {
        switch answer {
        case .confirmed: started + interval
        case .lost: nil
        case .noAnswer: min(started + interval, now + min(.seconds(1), interval))
        }
    }
}
