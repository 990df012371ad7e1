/// What stopped the way back, so a person must look.
package enum RollbackTrouble: Sendable, Hashable {
    case obstacle(RollbackObstacle)
    /// The rollback command ended badly.
    case rollbackEnded(to: String, CommandTermination)
    case rollbackNotStarted(to: String, why: String)
    /// The rollback ran, and its verification failed.
    case rollbackUnverified(to: String, failures: [String])
    case interruptedVerifyingRollback(to: String)

    var text: String {
        switch self {
        case .obstacle(let obstacle): obstacle.rawValue
        case .rollbackEnded(let target, let termination): "the rollback to \(target) \(termination)"
        case .rollbackNotStarted(let target, let why): "the rollback to \(target) could not start: \(why)"
        case .rollbackUnverified(let target, let failures): "rolled back to \(target), but its verification failed: \(failures.joined(separator: "; "))"
        case .interruptedVerifyingRollback(let target): "interrupted while verifying the rollback to \(target)"
        }
    }
}
