/// An invariant that did not hold: which, when (the store's clock), and what was seen.
package struct Violation: Sendable, Hashable {
    package var invariant: Invariant
    var at: Int64
    package var detail: String
}
