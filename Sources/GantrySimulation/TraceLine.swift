/// One line of a schedule's trace: when (the store's clock), who, what happened, and what
/// was decided.
struct TraceLine: Sendable, Hashable, CustomStringConvertible {
    var at: Int64
    var who: String
    var event: String
    var decision: String

    var description: String {
        let seconds = Double(at) / 1e9
        let time = String(Int((seconds * 1000).rounded())).leftPadded(to: 9)
        return "\(time) ms  \(who.padded(to: 10)) \(event)\(decision.isEmpty ? "" : " -> \(decision)")"
    }
}

extension String {
    func padded(to width: Int) -> String { count >= width ? self : self + String(repeating: " ", count: width - count) }
    func leftPadded(to width: Int) -> String { count >= width ? self : String(repeating: " ", count: width - count) + self }
}
