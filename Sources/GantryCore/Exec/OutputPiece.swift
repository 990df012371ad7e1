/// One piece of a command's output: a whole line, or part of a line too long to hold, in
/// which case `continues` says the line goes on in the next piece.
package struct OutputPiece: Sendable, Hashable {
    package var text: String
    package var continues: Bool

    package init(_ text: String, continues: Bool = false) {
        self.text = text
        self.continues = continues
    }
}
