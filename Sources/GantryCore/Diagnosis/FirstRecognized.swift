import Synchronization

/// The first reason code recognized in a command's output, kept while the output streams.
final class FirstRecognized: Sendable {
    private let found = Mutex<ReasonCode?>(nil)

    func scan(_ text: String) {
        guard found.withLock({ $0 == nil }) else { return }
        for line in text.split(separator: "\n", omittingEmptySubsequences: true) {
            if let code = OutputSignatures.recognize(line) {
                found.withLock { if $0 == nil { $0 = code } }
                return
            }
        }
    }

    var code: ReasonCode? { found.withLock { $0 } }
}
