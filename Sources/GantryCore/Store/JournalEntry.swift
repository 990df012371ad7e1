package import Foundation

/// One entry of a deployment's journal, numbered in the order it was written.
package struct JournalEntry: Sendable, Hashable, Codable {
    package var sequence: Int
    package var at: Date
    package var event: JournalEvent

    package init(sequence: Int, at: Date, event: JournalEvent) {
        self.sequence = sequence
        self.at = at
        self.event = event
    }
}
