/// A short plain excerpt of an HTTP answer's body, for the reason a check failed: what a
/// person reads in the terminal, `gantry history`, a GitHub annotation or a webhook.
///
/// An HTML page gives its `<title>`, or, without one, its text (tags, comments, scripts and
/// styles removed, the common entities decoded); any other body gives itself. Whitespace is
/// collapsed, control characters are dropped, and the excerpt is cut at about `limit`
/// characters with `…`. Pure, so every branch is tested without a server.
package enum BodyExcerpt {
    /// How many characters an excerpt keeps before it is cut with `…`.
    package static let limit = 120

    /// The excerpt of `body`, answered with `contentType` (nil when the answer had none);
    /// empty when there is nothing to quote.
    package static func of(_ body: String, contentType: String?) -> String {
        of(bytes: Array(body.utf8), contentType: contentType)
    }

    /// The excerpt of a body as received.
    package static func of(bytes body: [UInt8], contentType: String?) -> String {
        guard !body.isEmpty else { return "" }
        guard isHTML(body, contentType: contentType) else {
            return plain(String(decoding: body, as: UTF8.self))
        }
        if let title = title(in: body) {
            let text = plain(decodeEntities(String(decoding: title, as: UTF8.self)))
            if !text.isEmpty { return text }
        }
        return plain(decodeEntities(String(decoding: visibleText(of: body), as: UTF8.self)))
    }

    // MARK: - Plain text

    /// `text` with whitespace collapsed to single spaces, control characters dropped, and
    /// cut at `limit` characters (at a word when one ends near there) with `…`.
    static func plain(_ text: String) -> String {
        var result = ""
        var count = 0
        var pendingSpace = false
        for character in text {
            if character.isWhitespace {
                pendingSpace = count > 0
                continue
            }
            if character.unicodeScalars.allSatisfy({ $0.properties.generalCategory == .control }) { continue }
            if pendingSpace {
                result.append(" ")
                count += 1
                pendingSpace = false
            }
            result.append(character)
            count += 1
            if count > limit { break }
        }
        guard count > limit else { return result }
        var kept = result.prefix(limit)
        if let space = kept.lastIndex(of: " "), kept.distance(from: space, to: kept.endIndex) <= 20 {
            kept = kept[..<space]
        }
        while kept.last == " " { kept = kept.dropLast() }
        return String(kept) + "…"
    }

    /// `text` with `&amp;`, `&lt;`, `&gt;`, `&quot;`, `&apos;`, `&nbsp;` and numeric
    /// references (`&#39;`, `&#x27;`) decoded; anything else left as written.
    static func decodeEntities(_ text: String) -> String {
        guard text.contains("&") else { return text }
        var result = ""
        var rest = text[...]
        while let ampersand = rest.firstIndex(of: "&") {
            result += rest[..<ampersand]
            let after = rest[rest.index(after: ampersand)...]
            if let semicolon = after.prefix(12).firstIndex(of: ";"), let decoded = entity(after[..<semicolon]) {
                result.append(decoded)
                rest = after[after.index(after: semicolon)...]
            } else {
                result.append("&")
                rest = after
            }
        }
        result += rest
        return result
    }

    static func entity(_ name: Substring) -> Character? {
        switch name {
        case "amp": return "&"
        case "lt": return "<"
        case "gt": return ">"
        case "quot": return "\""
        case "apos": return "'"
        case "nbsp": return " "
        default: break
        }
        guard name.first == "#" else { return nil }
        let digits = name.dropFirst()
        let parsed: UInt32?
        if digits.first == "x" || digits.first == "X" {
            parsed = UInt32(digits.dropFirst(), radix: 16)
        } else {
            parsed = UInt32(digits, radix: 10)
        }
        guard let value = parsed, let scalar = Unicode.Scalar(value) else { return nil }
        return Character(scalar)
    }

    // MARK: - HTML

    /// Whether the body is an HTML page: the answer says so, or the body starts like one.
    static func isHTML(_ body: [UInt8], contentType: String?) -> Bool {
        if let contentType, contentType.lowercased().contains("html") { return true }
        var start = body.starts(with: [0xEF, 0xBB, 0xBF]) ? 3 : 0
        while start < body.count, isSpace(body[start]) { start += 1 }
        return matches(body, at: start, Array("<!doctype html".utf8)) || matches(body, at: start, Array("<html".utf8))
    }

    /// The bytes between `<title …>` and `</title>`, if the page has a title.
    static func title(in body: [UInt8]) -> ArraySlice<UInt8>? {
        let tag = Array("<title".utf8)
        var from = 0
        while let at = find(tag, in: body, from: from) {
            let after = at + tag.count
            guard after < body.count else { return nil }
            if body[after] == UInt8(ascii: ">") || isSpace(body[after]) {
                let start = endOfTag(body, from: after)
                let end = find(Array("</title".utf8), in: body, from: start) ?? body.count
                return body[start..<max(start, end)]
            }
            from = after
        }
        return nil
    }

    /// Tags whose removal leaves no gap between words: `Not <b>Found</b>`, `ab<i>c</i>`.
    static let inlineTags: Set<[UInt8]> = Set(
        ["a", "abbr", "b", "bdi", "bdo", "cite", "code", "data", "dfn", "em", "font", "i", "kbd", "mark", "q", "s", "samp",
         "small", "span", "strong", "sub", "sup", "time", "tt", "u", "var", "wbr"].map { Array($0.utf8) }
    )

    /// The page's text: tags and comments removed (a block tag leaves a space), scripts and
    /// styles removed with their content. Stops early once far more text than an excerpt
    /// needs has been found.
    static func visibleText(of body: [UInt8]) -> [UInt8] {
        let less = UInt8(ascii: "<"), slash = UInt8(ascii: "/"), space = UInt8(ascii: " ")
        var text: [UInt8] = []
        var visible = 0
        var index = 0
        while index < body.count {
            let byte = body[index]
            guard byte == less else {
                text.append(byte)
                index += 1
                if !isSpace(byte) {
                    visible += 1
                    if visible > limit * 8 { break }
                }
                continue
            }
            if matches(body, at: index, Array("<!--".utf8)) {
                index = find(Array("-->".utf8), in: body, from: index + 4).map { $0 + 3 } ?? body.count
                text.append(space)
                continue
            }
            var cursor = index + 1
            let closing = cursor < body.count && body[cursor] == slash
            if closing { cursor += 1 }
            let nameStart = cursor
            if cursor < body.count, isLetter(body[cursor]) {
                while cursor < body.count, isLetter(body[cursor]) || isDigit(body[cursor]) || body[cursor] == UInt8(ascii: "-") {
                    cursor += 1
                }
            }
            let name = body[nameStart..<cursor].map { lowercased($0) }
            let declaration = !closing && name.isEmpty && cursor < body.count
                && (body[cursor] == UInt8(ascii: "!") || body[cursor] == UInt8(ascii: "?"))
            guard !name.isEmpty || declaration else {
                // A `<` that starts no tag (`a < b`) is text.
                text.append(byte)
                index += 1
                visible += 1
                continue
            }
            index = endOfTag(body, from: cursor)
            if !closing, name == Array("script".utf8) || name == Array("style".utf8) {
                let close = [less, slash] + name
                index = find(close, in: body, from: index).map { endOfTag(body, from: $0 + close.count) } ?? body.count
            }
            if !inlineTags.contains(name) { text.append(space) }
        }
        return text
    }

    /// The index just after the `>` that ends the tag whose attributes start at `from`; a
    /// `>` inside a quoted attribute value does not end it.
    static func endOfTag(_ body: [UInt8], from: Int) -> Int {
        var quote: UInt8?
        var previous: UInt8 = 0
        var index = from
        while index < body.count {
            let byte = body[index]
            if let opening = quote {
                if byte == opening { quote = nil }
            } else if byte == UInt8(ascii: ">") {
                return index + 1
            } else if (byte == UInt8(ascii: "\"") || byte == UInt8(ascii: "'")) && previous == UInt8(ascii: "=") {
                quote = byte
            }
            if !isSpace(byte) { previous = byte }
            index += 1
        }
        return body.count
    }

    // MARK: - Bytes

    /// Where `needle` (lowercase ASCII) first occurs in `body` at or after `from`, ignoring
    /// ASCII case.
    static func find(_ needle: [UInt8], in body: [UInt8], from: Int) -> Int? {
        guard !needle.isEmpty, from >= 0, body.count - needle.count >= from else { return nil }
        let first = needle[0]
        var index = from
        while index <= body.count - needle.count {
            if lowercased(body[index]) == first, matches(body, at: index, needle) { return index }
            index += 1
        }
        return nil
    }

    /// Whether `body` has `word` (lowercase ASCII) at `index`, ignoring ASCII case.
    static func matches(_ body: [UInt8], at index: Int, _ word: [UInt8]) -> Bool {
        guard index >= 0, body.count - index >= word.count else { return false }
        for offset in 0..<word.count where lowercased(body[index + offset]) != word[offset] { return false }
        return true
    }

    static func lowercased(_ byte: UInt8) -> UInt8 {
        (UInt8(ascii: "A")...UInt8(ascii: "Z")).contains(byte) ? byte + 32 : byte
    }

    static func isLetter(_ byte: UInt8) -> Bool {
        (UInt8(ascii: "a")...UInt8(ascii: "z")).contains(lowercased(byte))
    }

    static func isDigit(_ byte: UInt8) -> Bool {
        (UInt8(ascii: "0")...UInt8(ascii: "9")).contains(byte)
    }

    static func isSpace(_ byte: UInt8) -> Bool {
        byte == 0x20 || (0x09...0x0D).contains(byte)
    }
}
