import Foundation

/// What a running command's lease guard hears from its holder: when the last renewal that
/// the store confirmed was sent, or that the lease is gone.
package enum LeaseBeat: Sendable, Hashable {
    /// A renewal sent at this reading of the monotonic clock (nanoseconds) was confirmed.
    case renewed(sentAt: UInt64)
    /// The store says the lease belongs to someone else now: stop the command at once.
    case lost
}
