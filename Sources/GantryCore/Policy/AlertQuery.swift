/// What asking Alertmanager gave.
package enum AlertQuery: Sendable, Hashable {
    case alerts([ActiveAlert])
    /// No usable answer: unreachable, an HTTP error, a bad body; with why.
    case unreachable(String)
}
