package import Foundation

/// A deployment's id: UTC time to the millisecond, then random hex, e.g.
/// `20261129-031541.123-9f2c1a`. Ids sort by start time as plain strings, so `history`
/// and the store need no separate ordering column, and they are safe in argv and URLs.
package struct DeploymentID: Sendable, Hashable, Comparable, Codable, CustomStringConvertible {
    package let rawValue: String

    package init(rawValue: String) {
        self.rawValue = rawValue
    }

    /// A new id for a deployment starting at `date`; `random` supplies the suffix.
    package static func make(at date: Date, random: UInt32) -> DeploymentID {
        let milliseconds = Int64((date.timeIntervalSince1970 * 1000).rounded(.down))
        let parts = UTCDateParts(millisecondsSince1970: milliseconds)
        let suffix = String(random & 0xFF_FFFF, radix: 16)
        let padded = String(repeating: "0", count: 6 - suffix.count) + suffix
        return DeploymentID(rawValue: "\(parts.compactDate)-\(parts.compactTime).\(pad(parts.millisecond, 3))-\(padded)")
    }

    /// Whether `text` has the shape of an id (checked before it reaches a query or a path).
    package static func isWellFormed(_ text: String) -> Bool {
        text.count <= 64 && !text.isEmpty && text.unicodeScalars.allSatisfy {
            ("0"..."9").contains($0) || ("a"..."f").contains($0) || $0 == "-" || $0 == "."
        }
    }

    package var description: String { rawValue }

    package static func < (lhs: DeploymentID, rhs: DeploymentID) -> Bool { lhs.rawValue < rhs.rawValue }

    package init(from decoder: any Decoder) throws {
        rawValue = try decoder.singleValueContainer().decode(String.self)
    }

    package func encode(to encoder: any Encoder) throws {
        var container = encoder.singleValueContainer()
        try container.encode(rawValue)
    }
}

func pad(_ value: Int, _ width: Int) -> String {
    let text = String(value)
    return text.count >= width ? text : String(repeating: "0", count: width - text.count) + text
}

/// Calendar fields of a UTC instant, from Foundation's Gregorian calendar fixed to UTC, so
/// ids and timestamps read the same on every machine whatever its time zone or locale. The
/// milliseconds come from the integer count, not from the calendar: a formatter's
/// nanoseconds field truncates binary-inexact fractions (.123 would read .122), and stored
/// and shown times must agree.
struct UTCDateParts {
    var year, month, day, hour, minute, second, millisecond: Int

    private static let utc: Calendar = {
        var calendar = Calendar(identifier: .gregorian)
        // By offset, not by name: a binary with the Swift runtime linked in has no time zone
        // database, and `TimeZone(identifier: "UTC")` is nil there.
        calendar.timeZone = TimeZone(secondsFromGMT: 0) ?? calendar.timeZone
        return calendar
    }()

    init(millisecondsSince1970 total: Int64) {
        let milliseconds = Int(((total % 1000) + 1000) % 1000)
        let seconds = (total - Int64(milliseconds)) / 1000
        let fields = Self.utc.dateComponents([.year, .month, .day, .hour, .minute, .second], from: Date(timeIntervalSince1970: TimeInterval(seconds)))
        year = fields.year ?? 1970
        month = fields.month ?? 1
        day = fields.day ?? 1
        hour = fields.hour ?? 0
        minute = fields.minute ?? 0
        second = fields.second ?? 0
        millisecond = milliseconds
    }

    var compactDate: String { "\(pad(year, 4))\(pad(month, 2))\(pad(day, 2))" }
    var compactTime: String { "\(pad(hour, 2))\(pad(minute, 2))\(pad(second, 2))" }
}

/// Timestamps as RFC 3339 UTC text (`2026-11-29T03:15:41.123Z`), the form used in JSON
/// output and in the state store.
package enum Timestamp {
    package static func format(_ date: Date) -> String {
        let parts = UTCDateParts(millisecondsSince1970: Int64((date.timeIntervalSince1970 * 1000).rounded(.down)))
        return "\(pad(parts.year, 4))-\(pad(parts.month, 2))-\(pad(parts.day, 2))T"
            + "\(pad(parts.hour, 2)):\(pad(parts.minute, 2)):\(pad(parts.second, 2)).\(pad(parts.millisecond, 3))Z"
    }
}
