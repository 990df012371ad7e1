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
