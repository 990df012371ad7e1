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

/// Calendar fields of a UTC instant, computed without a `Calendar` so ids and timestamps
/// are formatted the same on every platform and locale.
struct UTCDateParts {
    var year, month, day, hour, minute, second, millisecond: Int

    init(millisecondsSince1970 total: Int64) {
        let milliseconds = Int(((total % 1000) + 1000) % 1000)
        let seconds = (total - Int64(milliseconds)) / 1000
        var days = Int(seconds / 86_400)
        var secondOfDay = Int(seconds % 86_400)
        if secondOfDay < 0 {
            secondOfDay += 86_400
            days -= 1
        }
        // Howard Hinnant's days-from-civil inverse.
        let z = days + 719_468
        let era = (z >= 0 ? z : z - 146_096) / 146_097
        let doe = z - era * 146_097
        let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365
        let doy = doe - (365 * yoe + yoe / 4 - yoe / 100)
        let mp = (5 * doy + 2) / 153
        day = doy - (153 * mp + 2) / 5 + 1
        month = mp < 10 ? mp + 3 : mp - 9
        year = yoe + era * 400 + (month <= 2 ? 1 : 0)
        hour = secondOfDay / 3600
        minute = (secondOfDay % 3600) / 60
        second = secondOfDay % 60
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
