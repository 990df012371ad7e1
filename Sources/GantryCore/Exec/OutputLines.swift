/// Turns a command's byte stream into lines, of any length: a line longer than `pieceBytes`
/// comes out in pieces of at most that size, cut on a character boundary, so memory stays
/// bounded and no line can fail a deploy (`ansible-playbook -v` prints whole task results
/// on one line).
package struct OutputLines: Sendable {
    static let defaultPieceBytes = 64 * 1024

    let pieceBytes: Int
    private var pending: [UInt8] = []

    package init(pieceBytes: Int = OutputLines.defaultPieceBytes) {
        self.pieceBytes = max(8, pieceBytes)
    }

    /// The pieces that `bytes` completes.
    package mutating func feed(_ bytes: some Sequence<UInt8>) -> [OutputPiece] {
        var pieces: [OutputPiece] = []
        for byte in bytes {
            if byte == UInt8(ascii: "\n") {
                if pending.last == UInt8(ascii: "\r") { pending.removeLast() }
                pieces.append(OutputPiece(Self.text(pending)))
                pending.removeAll(keepingCapacity: true)
            } else {
                pending.append(byte)
                if pending.count >= pieceBytes {
                    let cut = Self.characterBoundary(pending)
                    pieces.append(OutputPiece(Self.text(Array(pending[..<cut])), continues: true))
                    pending.removeFirst(cut)
                }
            }
        }
        return pieces
    }

    /// The last line, when the output did not end with a newline.
    package mutating func finish() -> OutputPiece? {
        guard !pending.isEmpty else { return nil }
        defer { pending.removeAll() }
        return OutputPiece(Self.text(pending))
    }

    /// The longest prefix of `bytes` that does not end inside a UTF-8 character.
    static func characterBoundary(_ bytes: [UInt8]) -> Int {
        var lead = bytes.count - 1
        while lead > 0, lead > bytes.count - 4, bytes[lead] & 0xC0 == 0x80 { lead -= 1 }
        let first = bytes[lead]
        let length = first < 0x80 ? 1 : first >= 0xF0 ? 4 : first >= 0xE0 ? 3 : first >= 0xC0 ? 2 : 1
        let boundary = lead + length <= bytes.count ? bytes.count : lead
        return boundary == 0 ? bytes.count : boundary
    }

    private static func text(_ bytes: [UInt8]) -> String {
        String(decoding: bytes, as: UTF8.self)
    }
}
