/// Why a rollout pauses: `why` its analyses or alerts could not decide, after `batch`.
package struct PauseReason: Sendable, Hashable, CustomStringConvertible {
    package var release: String
    package var batch: BatchPosition?
    package var why: String
    /// A timed pause step: when its time is up the rollout goes on, rather than aborting.
    package var timed = false

    package init(release: String, batch: BatchPosition?, why: String) {
        self.release = release
        self.batch = batch
        self.why = why
    }

    package var text: String { "release \(release)\(batch?.suffix ?? ""): \(why)" }
    package var description: String { text }
}
