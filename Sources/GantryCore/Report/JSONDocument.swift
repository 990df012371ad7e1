package import Foundation

/// The one JSON form of everything gantry prints (`--json`) or serves (`/api/v1/status`):
/// snake_case keys in sorted order, RFC 3339 UTC timestamps with milliseconds. Scripts that
/// read one output can read the others; shapes change only by adding fields.
package enum JSONDocument {
    package static func encode(_ value: some Encodable) -> Data {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
        encoder.keyEncodingStrategy = .convertToSnakeCase
        encoder.dateEncodingStrategy = .custom { date, encoder in
            var container = encoder.singleValueContainer()
            try container.encode(Timestamp.format(date))
        }
        return (try? encoder.encode(value)) ?? Data("{}".utf8)
    }
}
