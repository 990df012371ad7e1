/// Command output as text that cannot drive a terminal: every control character other than
/// tab (ESC, BEL, backspace, carriage return, C1 controls, DEL) is written out as `\xNN`,
/// so a cursor move, an OSC 52 clipboard write or an OSC 8 link in a command's output shows
/// as text live, in the journal and in `gantry show`. Gantry's own colour is added after
/// this, so it is unaffected.
package enum VisibleText {
    package static func render(_ text: String) -> String {
        guard text.unicodeScalars.contains(where: isControl) else { return text }
        var result = ""
        result.reserveCapacity(text.utf8.count)
        for scalar in text.unicodeScalars {
            if isControl(scalar) {
                result += "\\x" + hex(scalar.value)
            } else {
                result.unicodeScalars.append(scalar)
            }
        }
        return result
    }

    static func isControl(_ scalar: Unicode.Scalar) -> Bool {
        let value = scalar.value
        return (value < 0x20 && value != 0x09) || value == 0x7F || (0x80...0x9F).contains(value)
    }

    private static func hex(_ value: UInt32) -> String {
        let digits = Array("0123456789abcdef")
        return String([digits[Int(value >> 4) & 0xF], digits[Int(value) & 0xF]])
    }
}
