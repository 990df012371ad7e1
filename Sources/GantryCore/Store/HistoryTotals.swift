package import Foundation

/// What the metrics count about finished deployments, kept by the store itself: each
/// outcome adds to these totals in the same transaction that records it.
///
/// Counters read from here cost the same with ten deployments or a hundred thousand, and
/// pruning old deployments (`gantry store prune`) never lowers them: a Prometheus counter
/// that went down would read as a reset. A deployment counts once, when its first outcome is
/// recorded.
package struct HistoryTotals: Sendable, Equatable, Codable {
    /// Finished deployments of one kind and outcome in one environment.
    package struct Outcomes: Sendable, Equatable {
        package var environment: String
        package var kind: DeploymentRecord.Kind
        package var outcome: Outcome
        package var count: Int
        package var lastFinishedAt: Date?
        /// The sum of their durations.
        package var durationSum: Duration
        /// How many took at most each of `durationBuckets` (not cumulative: each deployment
        /// is in one bucket), then one more for those that took longer.
        package var buckets: [Int]

        package init(
            environment: String, kind: DeploymentRecord.Kind, outcome: Outcome, count: Int = 0, lastFinishedAt: Date? = nil,
            durationSum: Duration = .zero, buckets: [Int] = Array(repeating: 0, count: HistoryTotals.durationBuckets.count + 1)
        ) {
            self.environment = environment
            self.kind = kind
            self.outcome = outcome
            self.count = count
            self.lastFinishedAt = lastFinishedAt
            self.durationSum = durationSum
            self.buckets = buckets
        }
    }

    /// Deployments of one environment that ended with one reason code.
    package struct Failures: Sendable, Equatable, Codable {
        package var environment: String
        package var code: ReasonCode
        package var count: Int

        package init(environment: String, code: ReasonCode, count: Int) {
            self.environment = environment
            self.code = code
            self.count = count
        }
    }

    /// Finished deployments of one environment that broke the glass (`--skip-promotion`) and
    /// ran (not skipped as live).
    package struct BreakGlass: Sendable, Equatable, Codable {
        package var environment: String
        package var count: Int

        package init(environment: String, count: Int) {
            self.environment = environment
            self.count = count
        }
    }

    package var outcomes: [Outcomes]
    package var failures: [Failures]
    package var breakGlass: [BreakGlass]

    /// Kept in one order (environment, kind, outcome; environment, code; environment), so
    /// equal totals compare equal however they were gathered.
    package init(outcomes: [Outcomes] = [], failures: [Failures] = [], breakGlass: [BreakGlass] = []) {
        self.outcomes = outcomes.sorted { ($0.environment, $0.kind.rawValue, $0.outcome.rawValue) < ($1.environment, $1.kind.rawValue, $1.outcome.rawValue) }
        self.failures = failures.sorted { ($0.environment, $0.code.rawValue) < ($1.environment, $1.code.rawValue) }
        self.breakGlass = breakGlass.filter { $0.count > 0 }.sorted { $0.environment < $1.environment }
    }

    enum CodingKeys: String, CodingKey { case outcomes, failures, breakGlass }

    /// Exports of versions before break-glass counts have none.
    package init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        self.init(
            outcomes: try container.decode([Outcomes].self, forKey: .outcomes), failures: try container.decode([Failures].self, forKey: .failures),
            breakGlass: try container.decodeIfPresent([BreakGlass].self, forKey: .breakGlass) ?? []
        )
    }

    package func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(outcomes, forKey: .outcomes)
        try container.encode(failures, forKey: .failures)
        try container.encode(breakGlass, forKey: .breakGlass)
    }

    /// Upper bounds of the deployment duration histogram's buckets: seconds up to an hour.
    /// The stores keep counts per bucket, so changing these needs a migration that recounts.
    package static let durationBuckets: [Duration] = [1, 5, 15, 30, 60, 120, 300, 600, 900, 1800, 2700, 3600].map { .seconds($0) }

    /// The bucket a duration falls in: the first whose bound it does not exceed, else the
    /// last (longer than every bound).
    package static func bucket(of duration: Duration) -> Int {
        durationBuckets.firstIndex { duration <= $0 } ?? durationBuckets.count
    }

    /// The totals of `records`, as the stores keep them (finished records only).
    package init(records: [DeploymentRecord]) {
        var outcomes: [String: Outcomes] = [:]
        var failures: [String: Failures] = [:]
        var breakGlass: [String: Int] = [:]
        for record in records {
            guard let outcome = record.outcome else { continue }
            // A skip or refusal changed nothing: no glass was broken.
            if record.breakGlass != nil, outcome != .skipped, outcome != .refused { breakGlass[record.environment, default: 0] += 1 }
            let key = "\(record.environment)\u{0}\(record.kind.rawValue)\u{0}\(outcome.rawValue)"
            var total = outcomes[key] ?? Outcomes(environment: record.environment, kind: record.kind, outcome: outcome)
            total.add(record)
            outcomes[key] = total
            if let code = record.reasonCode {
                let key = "\(record.environment)\u{0}\(code.rawValue)"
                failures[key, default: Failures(environment: record.environment, code: code, count: 0)].count += 1
            }
        }
        self.init(
            outcomes: Array(outcomes.values), failures: Array(failures.values),
            breakGlass: breakGlass.map { BreakGlass(environment: $0.key, count: $0.value) }
        )
    }

    /// How many of one environment's finished deployments broke the glass.
    package func breakGlass(environment: String) -> Int {
        breakGlass.first { $0.environment == environment }?.count ?? 0
    }

    /// The totals of one environment's deployments of `kind` that ended in `outcome`.
    package func outcomes(environment: String, kind: DeploymentRecord.Kind, outcome: Outcome) -> Outcomes? {
        outcomes.first { $0.environment == environment && $0.kind == kind && $0.outcome == outcome }
    }

    /// How many of one environment's deployments ended with `code`.
    package func failures(environment: String, code: ReasonCode) -> Int {
        failures.first { $0.environment == environment && $0.code == code }?.count ?? 0
    }
}

extension HistoryTotals.Outcomes {
    /// Counts one finished record in.
    package mutating func add(_ record: DeploymentRecord) {
        count += 1
        if let finished = record.finishedAt { lastFinishedAt = max(lastFinishedAt ?? finished, finished) }
        let duration = record.duration ?? .zero
        durationSum += duration
        buckets[HistoryTotals.bucket(of: duration)] += 1
    }
}

extension HistoryTotals.Outcomes: Codable {
    enum CodingKeys: String, CodingKey {
        case environment, kind, outcome, count, lastFinishedAt, durationSumMilliseconds, buckets
    }

    package init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        self.init(
            environment: try container.decode(String.self, forKey: .environment), kind: try container.decode(DeploymentRecord.Kind.self, forKey: .kind),
            outcome: try container.decode(Outcome.self, forKey: .outcome), count: try container.decode(Int.self, forKey: .count),
            lastFinishedAt: try container.decodeIfPresent(Date.self, forKey: .lastFinishedAt),
            durationSum: .milliseconds(try container.decode(Int64.self, forKey: .durationSumMilliseconds)),
            buckets: try container.decode([Int].self, forKey: .buckets)
        )
        guard buckets.count == HistoryTotals.durationBuckets.count + 1 else {
            throw DecodingError.dataCorruptedError(forKey: .buckets, in: container, debugDescription: "expected \(HistoryTotals.durationBuckets.count + 1) buckets")
        }
    }

    package func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(environment, forKey: .environment)
        try container.encode(kind, forKey: .kind)
        try container.encode(outcome, forKey: .outcome)
        try container.encode(count, forKey: .count)
        try container.encodeIfPresent(lastFinishedAt, forKey: .lastFinishedAt)
        try container.encode(durationSum.milliseconds, forKey: .durationSumMilliseconds)
        try container.encode(buckets, forKey: .buckets)
    }
}

extension HistoryTotals {
    /// What `self` counted beyond `other` (never below zero): the part of an exported store's
    /// totals that its remaining deployments no longer account for, because they were pruned.
    package func subtracting(_ other: HistoryTotals) -> HistoryTotals {
        var result = HistoryTotals()
        for total in outcomes {
            var rest = total
            if let counted = other.outcomes(environment: total.environment, kind: total.kind, outcome: total.outcome) {
                rest.count = max(0, total.count - counted.count)
                rest.durationSum = max(.zero, total.durationSum - counted.durationSum)
                rest.buckets = zip(total.buckets, counted.buckets).map { max(0, $0 - $1) }
            }
            if rest.count > 0 { result.outcomes.append(rest) }
        }
        for total in failures {
            let count = max(0, total.count - other.failures(environment: total.environment, code: total.code))
            if count > 0 { result.failures.append(Failures(environment: total.environment, code: total.code, count: count)) }
        }
        result.breakGlass = breakGlass.map { BreakGlass(environment: $0.environment, count: max(0, $0.count - other.breakGlass(environment: $0.environment))) }
            .filter { $0.count > 0 }
        return result
    }

    /// Both totals added up.
    package func merging(_ other: HistoryTotals) -> HistoryTotals {
        var result = self
        for total in other.outcomes {
            if let index = result.outcomes.firstIndex(where: { $0.environment == total.environment && $0.kind == total.kind && $0.outcome == total.outcome }) {
                result.outcomes[index].count += total.count
                result.outcomes[index].durationSum += total.durationSum
                result.outcomes[index].buckets = zip(result.outcomes[index].buckets, total.buckets).map(+)
                result.outcomes[index].lastFinishedAt = [result.outcomes[index].lastFinishedAt, total.lastFinishedAt].compactMap { $0 }.max()
            } else {
                result.outcomes.append(total)
            }
        }
        for total in other.failures {
            if let index = result.failures.firstIndex(where: { $0.environment == total.environment && $0.code == total.code }) {
                result.failures[index].count += total.count
            } else {
                result.failures.append(total)
            }
        }
        var glass = Dictionary(uniqueKeysWithValues: breakGlass.map { ($0.environment, $0.count) })
        for total in other.breakGlass { glass[total.environment, default: 0] += total.count }
        return HistoryTotals(outcomes: result.outcomes, failures: result.failures, breakGlass: glass.map { BreakGlass(environment: $0.key, count: $0.value) })
    }
}
