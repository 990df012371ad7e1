/// Masks a line that arrives in pieces: a secret that crosses a piece boundary is still
/// masked, because the end of a piece that could be the start of a secret is held back and
/// masked together with the next piece.
package struct StreamMasker: Sendable {
    let masker: SecretMasker
    private var held = ""

    package init(_ masker: SecretMasker) {
        self.masker = masker
    }

    /// The masked text to show for `piece`; empty while everything is held back.
    package mutating func mask(_ piece: OutputPiece) -> OutputPiece {
        let text = held + piece.text
        held = ""
        guard piece.continues, let longest = masker.longestValue, longest > 1 else {
            return OutputPiece(masker.mask(text), continues: piece.continues)
        }
        // Hold back what could be the first part of a secret: the last (longest − 1)
        // characters, moved earlier so that no secret that starts before the cut is split.
        let characters = Array(text)
        var cut = max(0, characters.count - (longest - 1))
        var moved = true
        while moved {
            moved = false
            for value in masker.allValues {
                let needle = Array(value)
                guard needle.count > 1 else { continue }
                var start = max(0, cut - needle.count + 1)
                while start < cut, start + needle.count <= characters.count {
                    if characters[start..<(start + needle.count)].elementsEqual(needle) {
                        cut = start
                        moved = true
                        break
                    }
                    start += 1
                }
            }
        }
        held = String(characters[cut...])
        return OutputPiece(masker.mask(String(characters[..<cut])), continues: true)
    }
}

extension SecretMasker {
    /// The length, in characters, of the longest secret value.
    var longestValue: Int? { allValues.map(\.count).max() }
}
