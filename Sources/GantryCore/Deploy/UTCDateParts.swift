import Foundation

/// Calendar fields of a UTC instant, from Foundation's Gregorian calendar fixed to UTC, so
/// ids and timestamps read the same on every machine whatever its time zone or locale. The
/// milliseconds come from the integer count, not from the calendar: a formatter's
/// nanoseconds field truncates binary-inexact fractions (.123 would read .122), and stored
/// and shown times must agree.
struct UTCDateParts {
    var year, month, day, hour, minute, second, millisecond: Int

    private static let utc: Calendar = {
        var calendar = Calendar(identifier: .gregorian)
        // By offset, not by name: a binary with the Swift runtime linked in has no time zone
        // database, and `TimeZone(identifier: "UTC")` is nil there.
        calendar.timeZone = TimeZone(secondsFromGMT: 0) ?? calendar.timeZone
        return calendar
    }()

    init(millisecondsSince1970 total: Int64) {
        let milliseconds = Int(((total % 1000) + 1000) % 1000)
        let seconds = (total - Int64(milliseconds)) / 1000
        let fields = Self.utc.dateComponents([.year, .month, .day, .hour, .minute, .second], from: Date(timeIntervalSince1970: TimeInterval(seconds)))
        year = fields.year ?? 1970
        month = fields.month ?? 1
        day = fields.day ?? 1
        hour = fields.hour ?? 0
        minute = fields.minute ?? 0
        second = fields.second ?? 0
        millisecond = milliseconds
    }

    var compactDate: String { "\(pad(year, 4))\(pad(month, 2))\(pad(day, 2))" }
    var compactTime: String { "\(pad(hour, 2))\(pad(minute, 2))\(pad(second, 2))" }
}
