package import GantryCore

/// Keeps a polled verdict from flapping: a subject that is up is reported down only after
/// `downAfter` failed polls in a row, and back up only after `upAfter` passed polls in a
/// row. The first poll of a subject is reported as it is: there is nothing to smooth yet.
package struct HealthHysteresis: Sendable {
    let downAfter: Int
    let upAfter: Int

    struct Track: Sendable {
        var reportedUp: Bool
        var failures = 0
        var successes = 0
    }

    private var tracks: [String: Track] = [:]

    package init(downAfter: Int, upAfter: Int) {
        self.downAfter = max(1, downAfter)
        self.upAfter = max(1, upAfter)
    }

    /// Feeds one poll's raw verdict and returns the verdict to report.
    package mutating func observe(_ key: String, passed: Bool) -> Bool {
        guard var track = tracks[key] else {
            tracks[key] = Track(reportedUp: passed, failures: passed ? 0 : 1, successes: passed ? 1 : 0)
            return passed
        }
        if passed {
            track.successes += 1
            track.failures = 0
            if !track.reportedUp, track.successes >= upAfter { track.reportedUp = true }
        } else {
            track.failures += 1
            track.successes = 0
            if track.reportedUp, track.failures >= downAfter { track.reportedUp = false }
        }
        tracks[key] = track
        return track.reportedUp
    }

    /// Smooths a batch of observations; a held verdict says so in its message.
    package mutating func smooth(_ observations: [Observation]) -> [Observation] {
        observations.map { observation in
            let key = observation.key
            let reported = observe(key, passed: observation.healthy)
            guard reported != observation.healthy else { return observation }
            var held = observation
            held.healthy = reported
            let track = tracks[key]
            held.message = reported
                ? "still counted up (\(track?.failures ?? 0) of \(downAfter) failures): \(observation.message)"
                : "still counted down (\(track?.successes ?? 0) of \(upAfter) passes): \(observation.message)"
            return held
        }
    }
}
