package import Foundation

/// A recurring time when deploys are refused: `Fri 16:00-Mon 08:00 Europe/Berlin` (a weekly
/// range) or `22:00-06:00 UTC` (every day). Times are wall-clock times in the named zone, so
/// a window keeps meaning the same local hours across daylight-saving changes.
package struct FreezeWindow: Sendable, Hashable, CustomStringConvertible {
    /// Minutes since Monday 00:00 (weekly), or since midnight (daily).
    package var start: Int
    var end: Int
    var daily: Bool
    package var timeZone: TimeZone
    package let text: String

    static let days = ["mon", "tue", "wed", "thu", "fri", "sat", "sun"]

    /// Parses a window, or says what is wrong with it.
    package static func parse(_ text: String) -> Result<FreezeWindow, ParseError> {
        let words = text.split(separator: " ").map(String.init)
        guard let zoneName = words.last, let zone = TimeZone(identifier: zoneName) else {
            return .failure(ParseError(message: "'\(text)' does not end with a time zone such as Europe/Berlin or UTC"))
        }
        let range = words.dropLast().joined(separator: " ")
        let ends = range.split(separator: "-", maxSplits: 1).map { $0.trimmingWhitespace() }
        guard ends.count == 2 else { return .failure(ParseError(message: "'\(text)' is not a range like Fri 16:00-Mon 08:00 Europe/Berlin")) }
        guard let from = point(ends[0]), let to = point(ends[1]), (from.day == nil) == (to.day == nil) else {
            return .failure(ParseError(message: "'\(text)' is not a range like Fri 16:00-Mon 08:00 Europe/Berlin or 22:00-06:00 UTC"))
        }
        let daily = from.day == nil
        let start = (from.day ?? 0) * 1440 + from.minute
        let end = (to.day ?? 0) * 1440 + to.minute
        guard start != end else { return .failure(ParseError(message: "'\(text)' is empty: it starts where it ends")) }
        return .success(FreezeWindow(start: start, end: end, daily: daily, timeZone: zone, text: text))
    }

    package struct ParseError: Error, Sendable {
        package var message: String
    }

    private static func point(_ text: String) -> (day: Int?, minute: Int)? {
        let parts = text.split(separator: " ").map(String.init)
        var day: Int?
        var clock = text
        if parts.count == 2 {
            guard let index = days.firstIndex(of: String(parts[0].lowercased().prefix(3))) else { return nil }
            day = index
            clock = parts[1]
        } else if parts.count != 1 {
            return nil
        }
        let hm = clock.split(separator: ":")
        guard hm.count == 2, let hour = Int(hm[0]), let minute = Int(hm[1]), (0...24).contains(hour), (0...59).contains(minute), hour * 60 + minute <= 1440 else {
            return nil
        }
        return (day, hour * 60 + minute)
    }

    /// Whether `date` falls inside the window.
    package func contains(_ date: Date) -> Bool {
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = timeZone
        let parts = calendar.dateComponents([.weekday, .hour, .minute], from: date)
        let minuteOfDay = (parts.hour ?? 0) * 60 + (parts.minute ?? 0)
        let now = daily ? minuteOfDay : ((parts.weekday ?? 2) + 5) % 7 * 1440 + minuteOfDay
        return start < end ? (start <= now && now < end) : (now >= start || now < end)
    }

    package var description: String { text }
}
