package import Foundation

/// Times are the store's where it keeps its own (`StateStore.now`,
/// `DeploymentRecord.storeFinishedAt`), so runners whose clocks disagree judge a soak alike.
///
/// The rule of `promote_from`, as a value: whether `release` may come into an environment,
/// judged on the source environment's deployments. It must have been verified live there (a
/// deploy or rollback to it that succeeded), stayed the source's current release for the
/// soak, and had no failed check or rollback there since. The refusal says what is missing.
package enum PromotionGate {
    /// What the gate says: pass, refuse, or refuse for now because the release is still
    /// soaking in the source and will have soaked in `left` if nothing changes there.
    package enum Verdict: Sendable, Hashable {
        case pass
        case refuse(Refusal)
        case soaking(Refusal, left: Duration)

        package var refusal: Refusal? {
            switch self {
            case .pass: nil
            case .refuse(let refusal), .soaking(let refusal, _): refusal
            }
        }
    }

    /// `records`: the source environment's deployments, newest first.
    package static func refusal(release: String, config: PromotionConfig, source records: [DeploymentRecord], now: Date) -> Refusal? {
        judge(release: release, config: config, source: records, now: now).refusal
    }

    /// `records`: the source environment's deployments, newest first.
    package static func judge(release: String, config: PromotionConfig, source records: [DeploymentRecord], now: Date) -> Verdict {
        let source = config.environment
        let finished = records.filter { record in record.outcome.map { $0 != .skipped && $0 != .refused } ?? false }
        guard let verifiedIndex = finished.firstIndex(where: { $0.release == release && $0.outcome == .succeeded && $0.kind != .recover }) else {
            if let tried = finished.first(where: { $0.release == release }) {
                return .refuse(Refusal(.notPromoted, "\(release) never passed verification in \(source): its deployment \(tried.id) there ended \(tried.outcome?.rawValue ?? "unfinished")"))
            }
            return .refuse(Refusal(.notPromoted, "\(release) never ran in \(source)"))
        }
        let verified = finished[verifiedIndex]
        let since = finished[..<verifiedIndex]
        if let failed = since.last(where: { $0.release == release && ($0.outcome == .failed || $0.outcome == .rolledBack) }) {
            let at = failed.finishedAt.map(Timestamp.format) ?? "an unknown time"
            return .refuse(Refusal(.notPromoted, "\(release) was rolled back in \(source) at \(at) (deployment \(failed.id))"))
        }
        let verifiedAt = recordedAt(verified)
        // What ended its time as the source's current release: another release verified there,
        // or a deployment that left the hosts on something unverified.
        let replacement = since.last { $0.outcome == .failed || $0.outcome == .interrupted || ($0.outcome == .succeeded && $0.release != release) }
        let end = replacement.map(recordedAt) ?? now
        let live = Duration.milliseconds(Int64((max(0, end.timeIntervalSince(verifiedAt)) * 1000).rounded()))
        guard live < config.soak else { return .pass }
        let soaked = "\(short(live)) of \(short(config.soak))"
        if let replacement {
            return .refuse(Refusal(.notPromoted, "\(release) was live in \(source) for \(soaked) before \(replacement.release) replaced it (deployment \(verified.id))"))
        }
        return .soaking(Refusal(.notPromoted, "\(release) has been live in \(source) for \(soaked) (deployment \(verified.id))"), left: config.soak - live)
    }

    /// When a deployment's outcome was recorded: on the store's clock where the store keeps
    /// it (PostgreSQL), else as its runner stamped it.
    static func recordedAt(_ record: DeploymentRecord) -> Date {
        record.storeFinishedAt ?? record.finishedAt ?? record.startedAt
    }

    /// `12m` rather than `12m00s`: soaks are spoken of in whole minutes.
    private static func short(_ duration: Duration) -> String {
        let text = DurationText.format(duration)
        return text.hasSuffix("m00s") ? String(text.dropLast(3)) : text
    }
}
