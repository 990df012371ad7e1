/// What a deployment tells the outside world about, and when.
package enum NotificationEvent: String, Sendable, Hashable, Codable, CaseIterable {
    case started
    case succeeded
    case rolledBack = "rolled_back"
    case failed
    case interrupted
    case refused
    case skipped
    case paused
    /// A deploy went past a gate by hand (`--skip-promotion`): who, and why, for everyone
    /// who watches the environment.
    case breakGlass = "break_glass"

    /// The event an outcome is announced as.
    init(_ outcome: Outcome) {
        switch outcome {
        case .succeeded: self = .succeeded
        case .rolledBack: self = .rolledBack
        case .failed: self = .failed
        case .interrupted: self = .interrupted
        case .refused: self = .refused
        case .skipped: self = .skipped
        case .paused: self = .paused
        }
    }

    /// What a webhook hears without `on:`: everything but the noise of skips and refusals.
    package static let defaults: [NotificationEvent] = [.started, .succeeded, .rolledBack, .failed, .interrupted, .paused, .breakGlass]
}
