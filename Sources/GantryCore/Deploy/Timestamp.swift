package import Foundation

/// Timestamps as RFC 3339 UTC text (`2026-11-29T03:15:41.123Z`), the form used in JSON
/// output and in the state store.
package enum Timestamp {
    package static func format(_ date: Date) -> String {
        let parts = UTCDateParts(millisecondsSince1970: Int64((date.timeIntervalSince1970 * 1000).rounded(.down)))
        return "\(pad(parts.year, 4))-\(pad(parts.month, 2))-\(pad(parts.day, 2))T"
            + "\(pad(parts.hour, 2)):\(pad(parts.minute, 2)):\(pad(parts.second, 2)).\(pad(parts.millisecond, 3))Z"
    }
}
