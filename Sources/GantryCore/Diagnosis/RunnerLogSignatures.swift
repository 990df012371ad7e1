package import Foundation

/// What the GitHub Actions runner's own logs say about a failure, in the runner's real line
/// format: `[2026-12-01 10:15:02Z ERR  Terminal] WRITE ERROR: A session for this runner
/// already exists.` (the trace header is `[{UTC:u} {INFO|WARN|ERR |VERB|CRIT} {source}] `).
///
/// A signature counts only when no later line, before the deployment ended, shows that the
/// runner recovered ("Listening for Jobs", "Runner reconnected."): a connect error the
/// listener rode out is not why a deployment failed.
package enum RunnerLogSignatures {
    static let table: [(code: ReasonCode, fragments: [String])] = [
        (.runnerShutdown, ["received a shutdown signal", "Runner will be shutdown for", "Received Ctrl-C signal", "Operating system is shutting down"]),
        (.runnerSessionConflict, ["A session for this runner already exists", "The session for this runner already exists"]),
        (.runnerRegistrationDeleted, ["The runner registration has been deleted from the server"]),
        (.diskFull, ["No space left on device"]),
        (.runnerNetworkTimeout, ["The HTTP request timed out after", "Connection timed out", "Resource temporarily unavailable (api.github.com"]),
    ]

    /// Lines that show the runner connected again.
    static let recoveries = ["Listening for Jobs", "Runner reconnected."]

    /// The signatures in `files` between `from` and `until` that no recovery cancelled, in
    /// time order. Lines without a readable timestamp count only when nothing in their file
    /// has one (a log of another format).
    /// `recoveredBy`: a recovery counts only up to then (the deployment's end): a runner that
    /// restarted after the failure does not undo what stopped it.
    package static func scan(_ files: [RunnerLogFile], from: Date, until: Date, recoveredBy: Date? = nil) -> [RunnerLogHit] {
        let recoveredBy = recoveredBy ?? until
        var hits: [RunnerLogHit] = []
        for file in files {
            let scan = TextScan(file.bytes)
            let timed = file.bytes.first == UInt8(ascii: "[") || !scan.lines(containing: "\n[20").isEmpty
            /// A line's own timestamp, else that of the header line above it (a stack trace or
            /// a wrapped message continues its entry); nil only in a file without timestamps.
            func when(_ line: Range<Int>) -> (known: Bool, at: Date?) {
                if let at = timestamp(scan, line) { return (true, at) }
                if let header = scan.previousLine(startingWith: "[", before: line.lowerBound, window: 64 * 1024), let at = timestamp(scan, header) {
                    return (true, at)
                }
                return (!timed, nil)
            }
            var recoveredAt: [Date] = []
            for fragment in recoveries {
                for line in scan.lines(containing: fragment) {
                    if let at = timestamp(scan, line) { recoveredAt.append(at) }
                }
            }
            for (code, fragments) in table {
                var seen = Set<Range<Int>>()
                for fragment in fragments {
                    for line in scan.lines(containing: fragment) where seen.insert(line).inserted {
                        let text = scan.text(line)
                        let (known, at) = when(line)
                        guard known else { continue }
                        if let at, at < from || at > until { continue }
                        if let at, recoveredAt.contains(where: { $0 > at && $0 <= recoveredBy }) { continue }
                        hits.append(RunnerLogHit(code: code, file: file.name, at: at, line: text))
                    }
                }
            }
            // "Runner connect error: … Conflict": a second listener holds the session.
            for line in scan.lines(containing: "Runner connect error:") {
                let text = scan.text(line)
                guard text.contains("Conflict") else { continue }
                let (known, at) = when(line)
                guard known else { continue }
                if let at, at < from || at > until { continue }
                if let at, recoveredAt.contains(where: { $0 > at && $0 <= recoveredBy }) { continue }
                hits.append(RunnerLogHit(code: .runnerSessionConflict, file: file.name, at: at, line: text))
            }
        }
        return hits.sorted { ($0.at ?? .distantPast) < ($1.at ?? .distantPast) }
    }

    /// `[2026-12-01 10:15:02Z …` at the start of the line, as a date.
    static func timestamp(_ scan: TextScan, _ line: Range<Int>) -> Date? {
        let bytes = scan.bytes
        guard line.count >= 22, bytes[line.lowerBound] == UInt8(ascii: "[") else { return nil }
        let start = line.lowerBound + 1
        func number(_ offset: Int, _ length: Int) -> Int? {
            var value = 0
            for index in start + offset..<start + offset + length {
                let byte = bytes[index]
                guard byte >= 48, byte <= 57 else { return nil }
                value = value * 10 + Int(byte - 48)
            }
            return value
        }
        guard let year = number(0, 4), let month = number(5, 2), let day = number(8, 2),
              let hour = number(11, 2), let minute = number(14, 2), let second = number(17, 2),
              bytes[start + 19] == UInt8(ascii: "Z") else { return nil }
        var components = DateComponents()
        components.year = year
        components.month = month
        components.day = day
        components.hour = hour
        components.minute = minute
        components.second = second
        return utc.date(from: components)
    }

    private static let utc: Calendar = {
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = TimeZone(identifier: "UTC")!
        return calendar
    }()
}
