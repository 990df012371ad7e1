/// Why a deployment was refused before it changed anything: a code for machines and a
/// sentence for people. It prints as its sentence.
public struct Refusal: Sendable, Hashable, CustomStringConvertible {
    public let code: ReasonCode
    public let text: String

    public init(_ code: ReasonCode, _ text: String) {
        self.code = code
        self.text = text
    }

    public var description: String { text }

    /// Whether the sentence mentions `part`.
    public func contains(_ part: String) -> Bool { text.contains(part) }
}
