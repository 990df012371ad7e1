import Foundation

/// A command run under a lease guard: the guard hears `watch` and stops the command when
/// renewals stop arriving in time.
package struct LeaseGuardSpec: Sendable, Hashable {
    package let watch: LeaseWatch
    /// The guard's deadlines, from the lease and this command's grace period.
    package let timing: LeaseGuardTiming

    package init(watch: LeaseWatch, timing: LeaseGuardTiming) {
        self.watch = watch
        self.timing = timing
    }

    package static func == (lhs: LeaseGuardSpec, rhs: LeaseGuardSpec) -> Bool {
        lhs.watch === rhs.watch && lhs.timing == rhs.timing
    }

    package func hash(into hasher: inout Hasher) {
        hasher.combine(ObjectIdentifier(watch))
        hasher.combine(timing)
    }
}
