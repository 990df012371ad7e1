/// Why a deployment was refused before it changed anything: a code for machines and a
/// sentence for people. It prints as its sentence.
package struct Refusal: Sendable, Hashable, CustomStringConvertible {
    package let code: ReasonCode
    package let text: String

    package init(_ code: ReasonCode, _ text: String) {
        self.code = code
        self.text = text
    }

    package var description: String { text }

    /// Whether the sentence mentions `part`.
    package func contains(_ part: String) -> Bool { text.contains(part) }
}
