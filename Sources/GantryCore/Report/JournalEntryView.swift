package import Foundation

/// One journal entry as `show --json` and a diagnosis bundle write it: the event's fields
/// flattened, durations in seconds.
package struct JournalEntryView: Encodable {
    package var sequence: Int
    package var at: Date
    package var kind: String
    package var step: String?
    package var attempt: Int?
    package var message: String?
    /// A failing HTTP check's answer (its first 4 KiB, masked); the message quotes an excerpt.
    package var body: String?
    package var command: [String]?
    package var exitCode: Int32?
    package var signal: Int32?
    package var timedOut: Bool?
    var durationSeconds: Double?
    package var release: String?
    package var outcome: String?
    package var check: String?
    package var target: String?
    package var passed: Bool?
    package var reasonCode: String?
    package var causeCode: String?
    /// `batch_started`: the batch, how many there are, and its hosts.
    package var batch: Int?
    package var batches: Int?
    package var hosts: [String]?
    /// `analysis_result`: the phase, and a comparison's U statistic, p-value and effect.
    package var analysisPhase: String?
    package var statistic: Double?
    package var pValue: Double?
    package var effect: Double?

    package init(_ entry: JournalEntry) {
        sequence = entry.sequence
        at = entry.at
        kind = entry.event.kind.rawValue
        step = entry.event.step
        attempt = entry.event.attempt
        message = entry.event.message
        body = entry.event.body
        command = entry.event.command
        exitCode = entry.event.exitCode
        signal = entry.event.signal
        timedOut = entry.event.timedOut
        durationSeconds = entry.event.durationMilliseconds.map { Double($0) / 1000 }
        release = entry.event.release
        outcome = entry.event.outcome?.rawValue
        check = entry.event.check
        target = entry.event.target
        passed = entry.event.passed
        reasonCode = entry.event.reasonCode?.rawValue
        causeCode = entry.event.causeCode?.rawValue
        batch = entry.event.batch
        batches = entry.event.batches
        hosts = entry.event.hosts
        analysisPhase = entry.event.analysisPhase
        statistic = entry.event.statistic
        pValue = entry.event.pValue
        effect = entry.event.effect
    }
}
