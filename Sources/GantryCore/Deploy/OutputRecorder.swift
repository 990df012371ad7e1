import Foundation

/// Keeps a command's (masked) output in the journal, in batches so a chatty command does
/// not cost one database write per line, and bounded so it cannot fill the disk.
actor OutputRecorder {
    static let batchLines = 64
    static let maxBytes = 4 * 1024 * 1024

    let store: any StateStore
    let id: DeploymentID
    let token: FencingToken?
    let clock: any GantryClock
    let step: Step
    let attempt: Int
    private var buffer: [String] = []
    private var keptBytes = 0
    private var droppedLines = 0
    private var failure: StoreError?

    init(store: any StateStore, id: DeploymentID, token: FencingToken?, clock: any GantryClock, step: Step, attempt: Int) {
        self.store = store
        self.id = id
        self.token = token
        self.clock = clock
        self.step = step
        self.attempt = attempt
    }

    func add(_ line: String) async {
        guard keptBytes + line.utf8.count <= OutputRecorder.maxBytes else {
            droppedLines += 1
            return
        }
        keptBytes += line.utf8.count + 1
        buffer.append(line)
        if buffer.count >= OutputRecorder.batchLines { await flush() }
    }

    /// Writes what is buffered; rethrows the first store failure seen while streaming.
    func finish() async throws(StoreError) {
        if droppedLines > 0 {
            buffer.append("[gantry: \(droppedLines) more lines not kept; the journal keeps \(OutputRecorder.maxBytes / 1024 / 1024) MiB per attempt]")
            droppedLines = 0
        }
        await flush()
        if let failure { throw failure }
    }

    private func flush() async {
        guard !buffer.isEmpty, failure == nil else { return }
        let text = buffer.joined(separator: "\n")
        buffer.removeAll(keepingCapacity: true)
        do {
            try await store.append(JournalEvent(kind: .output, step: step.rawValue, attempt: attempt, message: text), to: id, at: clock.now(), token: token)
        } catch {
            failure = error
        }
    }
}

