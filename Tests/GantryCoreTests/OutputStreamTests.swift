@testable import GantryCore
import Testing

@Suite("output of any line length")
struct OutputStreamTests {
    @Test("lines longer than a piece come out in pieces that join to the line; short lines whole")
    func pieces() {
        var lines = OutputLines(pieceBytes: 8)
        var pieces = lines.feed(Array("short\n0123456789abcdefXYZ\nlast".utf8))
        if let last = lines.finish() { pieces.append(last) }
        #expect(pieces.map(\.text) == ["short", "01234567", "89abcdef", "XYZ", "last"])
        #expect(pieces.map(\.continues) == [false, true, true, false, false])
    }

    @Test("a piece never ends inside a UTF-8 character")
    func characterBoundaries() {
        var lines = OutputLines(pieceBytes: 8)
        let text = String(repeating: "é€", count: 20)
        var pieces = lines.feed(Array((text + "\n").utf8))
        if let last = lines.finish() { pieces.append(last) }
        #expect(pieces.map(\.text).joined() == text)
        #expect(!pieces.contains { $0.text.contains("\u{FFFD}") })
    }

    @Test("a secret that crosses a piece boundary is masked, wherever the cut falls", arguments: 1...24)
    func maskAcrossPieces(cut: Int) {
        let line = "token=tok123secret; more text after it"
        let masker = SecretMasker(values: ["tok123secret"])
        var stream = StreamMasker(masker)
        let characters = Array(line)
        let first = OutputPiece(String(characters[..<cut]), continues: true)
        let second = OutputPiece(String(characters[cut...]), continues: false)
        let shown = stream.mask(first).text + stream.mask(second).text
        #expect(shown == "token=***; more text after it")
    }

    @Test("many pieces in a row, the secret repeated across them, never show it")
    func maskManyPieces() {
        let masker = SecretMasker(values: ["s3cr3t-value"])
        var stream = StreamMasker(masker)
        var lines = OutputLines(pieceBytes: 7)
        let line = String(repeating: "ab s3cr3t-value c", count: 30)
        var shown = ""
        for piece in lines.feed(Array((line + "\n").utf8)) { shown += stream.mask(piece).text }
        #expect(!shown.contains("s3cr3t"))
        #expect(shown == String(repeating: "ab *** c", count: 30))
    }
}

@Suite("visible text and shell scripts")
struct VisibleTextTests {
    @Test("control characters other than tab are written out; text and tabs stay")
    func render() {
        #expect(VisibleText.render("plain\ttext ü") == "plain\ttext ü")
        #expect(VisibleText.render("a\u{1b}[31mb\u{07}\u{08}\r\u{7f}\u{9b}") == #"a\x1b[31mb\x07\x08\x0d\x7f\x9b"#)
    }

    @Test("a shell script keeps ${VAR} for the shell; $${ is the shell's literal; a missing variable is an error")
    func shellScript() throws {
        #expect(try Interpolation.shellScript("echo ${A} $${B} $HOME", environment: ["A": "x; rm -rf /"]) == #"echo ${A} \${B} $HOME"#)
        #expect(throws: Interpolation.MissingVariable.self) { try Interpolation.shellScript("echo ${NOPE}", environment: [:]) }
    }
}
