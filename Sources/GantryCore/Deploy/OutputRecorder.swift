import Foundation

/// Keeps a command's (masked) output in the journal, in batches so a chatty command does
/// not cost one database write per line, and bounded so it cannot fill the disk.
///
/// Past the bound it keeps the first 3 MiB and the *last* 1 MiB, with a line saying how many
/// lines between them were dropped: a failure is printed at the end (Ansible's `fatal:` and
/// `PLAY RECAP`), and that is what `gantry show` and `gantry diagnose` must still see.
actor OutputRecorder {
    static let batchLines = 64
    static let maxBytes = 4 * 1024 * 1024
    static let tailBytes = 1024 * 1024

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
    /// The newest lines once the head is full: `tail[tailStart...]`, `tailKept` bytes.
    private var tail: [String] = []
    private var tailStart = 0
    private var tailKept = 0
    private var headFull = false

    init(store: any StateStore, id: DeploymentID, token: FencingToken?, clock: any GantryClock, step: Step, attempt: Int) {
        self.store = store
        self.id = id
        self.token = token
        self.clock = clock
        self.step = step
        self.attempt = attempt
    }

    func add(_ line: String) async {
        // Once one line went to the tail, all later ones do: the order is kept.
        guard !headFull, keptBytes + line.utf8.count <= OutputRecorder.maxBytes - OutputRecorder.tailBytes else {
            headFull = true
            keepInTail(line)
            return
        }
        keptBytes += line.utf8.count + 1
        buffer.append(line)
        if buffer.count >= OutputRecorder.batchLines { await flush() }
    }

    /// Writes what is buffered; rethrows the first store failure seen while streaming.
    func finish() async throws(StoreError) {
        if droppedLines > 0 {
            buffer.append("[gantry: \(droppedLines) lines not kept here; the journal keeps the first 3 MiB and the last 1 MiB of each attempt]")
            droppedLines = 0
        }
        for line in tail[tailStart...] {
            buffer.append(line)
            if buffer.count >= OutputRecorder.batchLines { await flush() }
        }
        tail = []
        tailStart = 0
        tailKept = 0
        await flush()
        if let failure { throw failure }
    }

    /// Keeps `line` among the newest 1 MiB, dropping the oldest kept ones to make room.
    private func keepInTail(_ line: String) {
        let size = line.utf8.count + 1
        guard size <= OutputRecorder.tailBytes else {
            droppedLines += 1
            return
        }
        tail.append(line)
        tailKept += size
        while tailKept > OutputRecorder.tailBytes, tailStart < tail.count {
            tailKept -= tail[tailStart].utf8.count + 1
            tailStart += 1
            droppedLines += 1
        }
        if tailStart > 4096, tailStart * 2 > tail.count {
            tail.removeFirst(tailStart)
            tailStart = 0
        }
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

