import Foundation

/// Judges an HTTP answer against a check's expectations. Pure, so every branch is tested
/// without a server.
package enum HTTPExpectation {
    /// How many bytes of a failing answer's body a verdict keeps (`ProbeVerdict.body`), for
    /// the journal; its reason quotes only a short excerpt (`BodyExcerpt`).
    package static let keptBodyBytes = 4096

    /// `contentType` is the answer's `Content-Type` (nil when it had none): it says whether
    /// the body is an HTML page, whose reason then quotes its title or text.
    package static func evaluate(status: Int, body: [UInt8], contentType: String? = nil, config: HTTPProbeConfig) -> ProbeVerdict {
        func failure(_ reason: String) -> ProbeVerdict {
            let excerpt = BodyExcerpt.of(bytes: body, contentType: contentType)
            return .fail(excerpt.isEmpty ? reason : "\(reason): \(excerpt)", body: Self.kept(body))
        }
        let statusOK = config.expectStatus.isEmpty ? (200...299).contains(status) : config.expectStatus.contains(status)
        guard statusOK else {
            let expected = config.expectStatus.isEmpty ? "2xx" : config.expectStatus.map(String.init).joined(separator: " or ")
            return failure("HTTP \(status), expected \(expected)")
        }
        if let needle = config.expectBody {
            let text = String(decoding: body, as: UTF8.self)
            guard text.contains(needle) else {
                return failure("HTTP \(status) but the body does not contain \(String(reflecting: needle))")
            }
        }
        if !config.expectJSON.isEmpty {
            guard let document = try? JSONDecoder().decode(JSONValue.self, from: Data(body)) else {
                return failure("HTTP \(status) but the body is not JSON")
            }
            for (path, expected) in config.expectJSON.sorted(by: { $0.key < $1.key }) {
                let found = JSONPath.lookup(path, in: document)
                guard let found else { return .fail("HTTP \(status) but the JSON has no \(path)", body: kept(body)) }
                guard found == expected else {
                    return .fail("HTTP \(status) but \(path) is \(String(reflecting: found)), expected \(String(reflecting: expected))", body: kept(body))
                }
            }
        }
        return .pass("HTTP \(status)")
    }

    /// The first `keptBodyBytes` of `body` as text, cut before a character that would not
    /// fit whole; nil for an empty body.
    static func kept(_ body: [UInt8]) -> String? {
        guard !body.isEmpty else { return nil }
        var end = min(body.count, keptBodyBytes)
        // Back off continuation bytes (10xxxxxx) so the cut falls between characters.
        if end < body.count {
            while end > 0, body[end] & 0xC0 == 0x80 { end -= 1 }
        }
        return String(decoding: body[..<end], as: UTF8.self)
    }
}

/// A JSON document, decoded without Foundation's bridging so booleans and numbers keep
/// their kinds on every platform.
package indirect enum JSONValue: Decodable, Sendable, Hashable {
    case bool(Bool)
    case number(Double)
    case string(String)
    case array([JSONValue])
    case object([String: JSONValue])
    case null

    package init(from decoder: any Decoder) throws {
        let container = try decoder.singleValueContainer()
        if container.decodeNil() { self = .null }
        else if let value = try? container.decode(Bool.self) { self = .bool(value) }
        else if let value = try? container.decode(Double.self) { self = .number(value) }
        else if let value = try? container.decode(String.self) { self = .string(value) }
        else if let value = try? container.decode([JSONValue].self) { self = .array(value) }
        else { self = .object(try container.decode([String: JSONValue].self)) }
    }

    /// The value as text: strings bare, numbers without a needless `.0`, others as JSON-ish.
    package var text: String {
        switch self {
        case .bool(let value): value ? "true" : "false"
        case .number(let value): value == value.rounded() && abs(value) < 1e15 ? String(Int64(value)) : String(value)
        case .string(let value): value
        case .null: "null"
        case .array(let values): "[" + values.map(\.text).joined(separator: ",") + "]"
        case .object(let members): "{" + members.sorted { $0.key < $1.key }.map { "\($0.key):\($0.value.text)" }.joined(separator: ",") + "}"
        }
    }
}

/// Dotted paths into JSON (`status`, `components.db.status`, `items.0.name`), values compared
/// as text so YAML authors need not care about JSON types (`true`, `1`, `UP`).
package enum JSONPath {
    package static func lookup(_ path: String, in document: JSONValue) -> String? {
        var current = document
        for component in path.split(separator: ".") {
            switch current {
            case .object(let members):
                guard let next = members[String(component)] else { return nil }
                current = next
            case .array(let values):
                guard let index = Int(component), values.indices.contains(index) else { return nil }
                current = values[index]
            default:
                return nil
            }
        }
        return current.text
    }
}
