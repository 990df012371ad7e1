/// One command's `StreamMasker`, shared by the output callbacks: the masked text to show
/// and keep for each piece, nil while a piece is held back entirely.
actor PieceMasker {
    private var stream: StreamMasker

    init(_ masker: SecretMasker) {
        stream = StreamMasker(masker)
    }

    func mask(_ piece: OutputPiece) -> String? {
        let masked = stream.mask(piece)
        return masked.text.isEmpty && piece.continues ? nil : masked.text
    }
}
