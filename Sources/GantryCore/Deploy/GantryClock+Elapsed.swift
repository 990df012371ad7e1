import Foundation

extension GantryClock {
    /// How long ago `start` was on this clock, to the millisecond: what steps report.
    func elapsed(since start: Date) -> Duration {
        .milliseconds(Int64((now().timeIntervalSince(start) * 1000).rounded()))
    }
}
