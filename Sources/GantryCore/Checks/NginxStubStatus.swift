/// nginx's `stub_status` page:
///
///     Active connections: 291
///     server accepts handled requests
///      16630948 16630948 31070465
///     Reading: 6 Writing: 179 Waiting: 106
package struct NginxStubStatus: Sendable, Hashable {
    var active: Int
    var accepts: Int
    var handled: Int
    var requests: Int
    var reading: Int
    var writing: Int
    package var waiting: Int

    package init(active: Int, accepts: Int, handled: Int, requests: Int, reading: Int, writing: Int, waiting: Int) {
        self.active = active
        self.accepts = accepts
        self.handled = handled
        self.requests = requests
        self.reading = reading
        self.writing = writing
        self.waiting = waiting
    }

    package static func parse(_ text: String) -> NginxStubStatus? {
        let lines = text.split(whereSeparator: \.isNewline).map { $0.trimmingWhitespace() }
        guard lines.count >= 4, lines[0].hasPrefix("Active connections:"),
              let active = Int(lines[0].dropFirst("Active connections:".count).trimmingWhitespace())
        else { return nil }
        let counters = lines[2].split(separator: " ").compactMap { Int($0) }
        guard counters.count == 3 else { return nil }
        let words = lines[3].split(separator: " ")
        guard words.count == 6, words[0] == "Reading:", words[2] == "Writing:", words[4] == "Waiting:",
              let reading = Int(words[1]), let writing = Int(words[3]), let waiting = Int(words[5])
        else { return nil }
        return NginxStubStatus(
            active: active, accepts: counters[0], handled: counters[1], requests: counters[2],
            reading: reading, writing: writing, waiting: waiting
        )
    }

    /// Judges the page against a check's limits.
    package func evaluate(_ config: NginxProbeConfig) -> ProbeVerdict {
        let summary = "active \(active) (reading \(reading), writing \(writing), waiting \(waiting)), accepts \(accepts), handled \(handled), requests \(requests)"
        if let limit = config.maxActive, active > limit {
            return .fail("\(active) active connections, more than max_active \(limit); \(summary)")
        }
        if config.failOnDropped, accepts > handled {
            return .fail("\(accepts - handled) connections dropped (accepts > handled: worker_connections reached?); \(summary)")
        }
        return .pass(summary)
    }
}
