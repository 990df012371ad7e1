/// The named steps of a deployment, in the order they run.
package enum Step: String, Sendable, Hashable, Codable, CaseIterable {
    /// The runner gate: this runner's own local checks, before anything else.
    case runner
    case lock
    case recover
    case decide
    case preflight
    case deploy
    case verify
    case rollback
    case verifyRollback = "verify_rollback"
    case promote
}
