/// Why there is no way back after a failure.
package enum RollbackObstacle: String, Sendable, Hashable {
    case rollbackOfARollback = "there is nothing to fall back on from a rollback"
    case noRollbackCommand = "no rollback command is configured"
    case noLastGood = "there is no last good release to roll back to"
}
