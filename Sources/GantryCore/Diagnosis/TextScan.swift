#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Finds the lines of a large text that contain a fragment, without splitting the text into
/// lines first: the search jumps from candidate to candidate with `memchr`, so tens of megabytes of runner logs or a
/// deployment's journaled output are searched in milliseconds, and only the few lines that
/// match are ever turned into strings.
package struct TextScan: Sendable {
    package let bytes: [UInt8]

    package init(_ bytes: [UInt8]) {
        self.bytes = bytes
    }

    package init(_ text: String) {
        bytes = Array(text.utf8)
    }

    /// The byte ranges of the lines containing `fragment`, each once, in order.
    package func lines(containing fragment: String) -> [Range<Int>] {
        let needle = Array(fragment.utf8)
        guard !needle.isEmpty, bytes.count >= needle.count else { return [] }
        var found: [Range<Int>] = []
        bytes.withUnsafeBytes { haystack in
            needle.withUnsafeBytes { pattern in
                guard let base = haystack.baseAddress, let patternBase = pattern.baseAddress else { return }
                var offset = 0
                while offset < haystack.count {
                    guard let position = Self.find(patternBase, pattern.count, in: base, haystack.count, from: offset) else { break }
                    let line = lineRange(around: position)
                    found.append(line)
                    offset = line.upperBound + 1
                }
            }
        }
        return found
    }

    /// The offset of the first occurrence of the pattern at or after `from`: `memchr` (which
    /// the C library vectorizes) to the next candidate first byte, `memcmp` for the rest.
    private static func find(_ pattern: UnsafeRawPointer, _ length: Int, in base: UnsafeRawPointer, _ count: Int, from: Int) -> Int? {
        let first = Int32(pattern.load(as: UInt8.self))
        var offset = from
        while count - offset >= length {
            guard let candidate = memchr(base + offset, first, count - offset - length + 1) else { return nil }
            let position = base.distance(to: UnsafeRawPointer(candidate))
            if memcmp(candidate, pattern, length) == 0 { return position }
            offset = position + 1
        }
        return nil
    }

    /// The line (without its newline) that holds the byte at `position`.
    func lineRange(around position: Int) -> Range<Int> {
        var start = position
        while start > 0, bytes[start - 1] != UInt8(ascii: "\n") { start -= 1 }
        var end = position
        while end < bytes.count, bytes[end] != UInt8(ascii: "\n") { end += 1 }
        return start..<end
    }

    /// The text of a line, at most `limit` bytes of it (whole characters), trailing `\r` cut.
    package func text(_ range: Range<Int>, limit: Int = 400) -> String {
        var end = min(range.upperBound, range.lowerBound + limit)
        while end > range.lowerBound, end < range.upperBound, bytes[end] & 0xC0 == 0x80 { end -= 1 }
        var text = String(decoding: bytes[range.lowerBound..<end], as: UTF8.self)
        if text.hasSuffix("\r") { text.removeLast() }
        return end < range.upperBound ? text + "…" : text
    }

    /// The nearest line before `position` that starts with `prefix`, if any within `window`
    /// bytes (Ansible's `TASK [name]` header above a `fatal:` line).
    package func previousLine(startingWith prefix: String, before position: Int, window: Int = 1 << 20) -> Range<Int>? {
        let needle = Array(prefix.utf8)
        var end = position
        let floor = max(0, position - window)
        while end > floor {
            let line = lineRange(around: end - 1)
            if bytes[line].starts(with: needle) { return line }
            end = line.lowerBound - 1
            if end <= 0 { break }
        }
        return nil
    }
}
