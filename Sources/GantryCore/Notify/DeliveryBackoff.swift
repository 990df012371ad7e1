/// When a failed delivery is tried again: 5 s, 10 s, 20 s … doubling up to an hour; after
/// `maxAttempts` it is given up (and stays in the outbox with its last error).
package enum DeliveryBackoff {
    package static let maxAttempts = 20

    package static func delay(afterAttempt attempt: Int) -> Duration {
        .seconds(min(3600, 5 * (1 << min(max(attempt - 1, 0), 12))))
    }
}
