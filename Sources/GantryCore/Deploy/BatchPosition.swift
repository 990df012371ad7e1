/// Where in a rollout something happened: batch `batch` of `batches` (more than one).
package struct BatchPosition: Sendable, Hashable {
    package var batch: Int
    package var batches: Int

    package init(_ batch: Int, of batches: Int) {
        self.batch = batch
        self.batches = batches
    }

    /// ` (batch 2/4)`.
    var suffix: String { " (batch \(batch)/\(batches))" }
}
