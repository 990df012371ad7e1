/// Where a world writes its trace, when it is asked to: a reference, so writing a line while
/// reading the world's state is one access (the line is only built when tracing).
final class TraceRecorder {
    let enabled: Bool
    private(set) var lines: [TraceLine] = []

    init(enabled: Bool) {
        self.enabled = enabled
    }

    func append(_ line: TraceLine) { lines.append(line) }
}
