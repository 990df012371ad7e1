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
