import ArgumentParser
import GantryCore

/// Duration options as argument-parser reads them (`@Option(transform:)`): a value that is
/// not a duration is a usage error (exit 2) before any file is read or anything changes.
/// Each names its option and a value to write instead; argument-parser prints the message
/// after its own "The value '…' is invalid for '--option <duration>':".
extension Duration {
    /// `--wait`: how long to wait for a lock, written with a unit.
    static func wait(argument text: String) throws(ValidationError) -> Duration {
        guard let duration = DurationText.parse(text) else {
            throw ValidationError("--wait '\(text)' is not a duration; write it with a unit: 30s, 10m, 0s")
        }
        return duration
    }

    /// How often something polls or reports (`--interval`, `--progress-interval`): at least
    /// 100ms, so a watch never spins on the store or floods a log.
    static func interval(argument text: String, option: String, example: String) throws(ValidationError) -> Duration {
        guard let interval = DurationText.parse(text), interval >= .milliseconds(100) else {
            throw ValidationError("\(option) '\(text)' is not a duration of at least 100ms, such as \(example)")
        }
        return interval
    }

    /// `--older-than`: an age. Ages are long: days and weeks besides what other durations take.
    static func age(argument text: String) throws(ValidationError) -> Duration {
        let units: [(String, Int64)] = [("d", 86_400), ("w", 604_800)]
        for (suffix, seconds) in units where text.hasSuffix(suffix) {
            if let count = Int64(text.dropLast()), count > 0 { return .seconds(count * seconds) }
        }
        if let duration = DurationText.parse(text), duration > .zero { return duration }
        throw ValidationError("--older-than '\(text)' is not an age; write it with a unit: 90d, 12w, 720h")
    }
}
