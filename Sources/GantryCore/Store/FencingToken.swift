/// A lease's fencing token: every state write of a deployment carries it.
package struct FencingToken: Sendable, Hashable, Comparable, Codable, CustomStringConvertible {
    package var value: Int64

    package init(_ value: Int64) {
        self.value = value
    }

    package static func < (lhs: FencingToken, rhs: FencingToken) -> Bool { lhs.value < rhs.value }

    package var description: String { String(value) }

    package init(from decoder: any Decoder) throws {
        value = try decoder.singleValueContainer().decode(Int64.self)
    }

    package func encode(to encoder: any Encoder) throws {
        var container = encoder.singleValueContainer()
        try container.encode(value)
    }
}
