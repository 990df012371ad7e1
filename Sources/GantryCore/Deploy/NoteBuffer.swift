import Foundation

/// Lines to journal once the deployment's record exists.
final class NoteBuffer: @unchecked Sendable {
    private let lock = NSLock()
    private var notes: [String] = []

    func append(_ note: String) { lock.withLock { notes.append(note) } }

    func drain() -> [String] {
        lock.withLock {
            let drained = notes
            notes = []
            return drained
        }
    }
}
