/// Why a deployment did not succeed, as a stable snake_case code: what history, status,
/// metrics, alerts and `gantry diagnose` all speak, so a dashboard, a script or a runbook can
/// key on it while the sentence beside it stays free to improve.
///
/// Codes are only ever added. Each has one entry in `ReasonCatalog`, which holds its group,
/// whose fault it usually is and its runbook; docs/runbooks.md is generated from that table.
package enum ReasonCode: String, Sendable, Hashable, Codable, CaseIterable, Comparable {
    // The lock.
    case lockWaitTimeout = "lock_wait_timeout"
    case lockHeldByHand = "lock_held_by_hand"
    case superseded
    // Protection.
    case frozen
    case freezeWindow = "freeze_window"
    case circuitOpen = "circuit_open"
    case activeAlerts = "active_alerts"
    case alertGateUnreachable = "alert_gate_unreachable"
    case notPromoted = "not_promoted"
    case notApproved = "not_approved"
    // The runner.
    case runnerUnfit = "runner_unfit"
    // Preflight.
    case preflightSecretMissing = "preflight_secret_missing"
    case preflightHostUnreachable = "preflight_host_unreachable"
    case preflightToolMissing = "preflight_tool_missing"
    case preflightDiskLow = "preflight_disk_low"
    case preflightInventoryEmpty = "preflight_inventory_empty"
    // The command.
    case commandFailed = "command_failed"
    case commandTimeout = "command_timeout"
    case commandNotStarted = "command_not_started"
    case commandKilled = "command_killed"
    // Checks.
    case checkFailed = "check_failed"
    case checkNoData = "check_no_data"
    case verifyTimeout = "verify_timeout"
    // A rollout's analysis and its pause.
    case analysisFailed = "analysis_failed"
    case rolloutAborted = "rollout_aborted"
    case pauseTimeout = "pause_timeout"
    case rolloutPaused = "rollout_paused"
    // The rollback.
    case rollbackFailed = "rollback_failed"
    case noRollbackPath = "no_rollback_path"
    // Other.
    case leaseLost = "lease_lost"
    case storeUnavailable = "store_unavailable"
    case interrupted
    case internalError = "internal_error"
    // Recognized in what a command printed, or on the machine.
    case diskFull = "disk_full"
    case oomKilled = "oom_killed"
    case hostUnreachable = "host_unreachable"
    case authFailed = "auth_failed"
    case dnsFailure = "dns_failure"
    // Recognized in the GitHub Actions runner's own logs.
    case runnerShutdown = "runner_shutdown"
    case runnerSessionConflict = "runner_session_conflict"
    case runnerRegistrationDeleted = "runner_registration_deleted"
    case runnerNetworkTimeout = "runner_network_timeout"

    package static func < (lhs: ReasonCode, rhs: ReasonCode) -> Bool { lhs.rawValue < rhs.rawValue }

    /// The table entry: group, usual blame, runbook.
    package var entry: ReasonCatalog.Entry { ReasonCatalog.entry(self) }

    /// The code a failed command's termination gives, before its output is read.
    package static func command(_ termination: CommandTermination) -> ReasonCode? {
        switch termination {
        case .exited(0): nil
        case .exited: .commandFailed
        case .timedOut: .commandTimeout
        case .signaled: .commandKilled
        case .cancelled: .interrupted
        }
    }

    /// The code of failed checks: a check that never finished inside verification's deadline
    /// is `verify_timeout`; checks that all failed for lack of data are `check_no_data`.
    package static func checks(_ failing: [CheckResult]) -> ReasonCode? {
        guard !failing.isEmpty else { return nil }
        if failing.contains(where: { $0.attempts == 0 }) { return .verifyTimeout }
        if failing.allSatisfy({ $0.outcome == .noData }) { return .checkNoData }
        return .checkFailed
    }

    /// The code of a failed preflight item, by its name (`PreflightRunner`'s items).
    package static func preflight(_ failing: [CheckResult]) -> ReasonCode? {
        let order: [(String, ReasonCode)] = [
            ("secret", .preflightSecretMissing), ("inventory", .preflightInventoryEmpty), ("tool", .preflightToolMissing), ("program", .preflightToolMissing),
            ("disk", .preflightDiskLow), ("reachable", .preflightHostUnreachable), ("way back", .noRollbackPath),
        ]
        for (name, code) in order where failing.contains(where: { $0.name == name }) { return code }
        return failing.isEmpty ? nil : .commandNotStarted
    }

    /// A generic command code made specific by what the command printed (`disk_full`,
    /// `host_unreachable`, …); anything else stays as it is.
    package func refined(by recognized: ReasonCode?) -> ReasonCode {
        guard let recognized, [.commandFailed, .commandKilled, .commandNotStarted].contains(self) else { return self }
        return recognized
    }
}
