/// The small part of Redis' RESP protocol a health check needs: commands out, simple
/// replies (`+OK`, `+PONG`, `-ERR …`) in.
enum RedisProtocol {
    enum Reply: Sendable, Hashable {
        case simple(String)
        case error(String)
        /// A reply of another type (bulk, integer, array), kept by its type byte.
        case other(Character)
    }

    /// A command as a RESP array of bulk strings.
    static func command(_ words: [String]) -> [UInt8] {
        var bytes = Array("*\(words.count)\r\n".utf8)
        for word in words {
            let utf8 = Array(word.utf8)
            bytes += Array("$\(utf8.count)\r\n".utf8) + utf8 + Array("\r\n".utf8)
        }
        return bytes
    }

    /// The complete one-line replies at the start of `buffer`, and how many bytes they used.
    static func replies(in buffer: [UInt8]) -> (replies: [Reply], consumed: Int) {
        var replies: [Reply] = []
        var start = 0
        while start < buffer.count {
            guard let end = buffer[start...].firstIndex(of: UInt8(ascii: "\n")), end > start, buffer[end - 1] == UInt8(ascii: "\r") else { break }
            let line = String(decoding: buffer[(start + 1)..<(end - 1)], as: UTF8.self)
            switch buffer[start] {
            case UInt8(ascii: "+"): replies.append(.simple(line))
            case UInt8(ascii: "-"): replies.append(.error(line))
            default: replies.append(.other(Character(Unicode.Scalar(buffer[start]))))
            }
            start = end + 1
        }
        return (replies, start)
    }
}
